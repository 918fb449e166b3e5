using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Heapmon.Allocations;

/// <summary>
/// Native code address → (module, method token, IL offset), from the JIT's MethodLoadVerbose and
/// MethodILToNativeMap events. TraceLog read in real time links IL maps to code only when methods
/// unload (at rundown), so without this every frame would get its method's first line.
/// Used by the reader thread only.
/// </summary>
internal sealed class JitLineMap
{
    private readonly Dictionary<long, (int[] Native, int[] IL)> _pendingMaps = [];
    private readonly Dictionary<long, MethodLoadUnloadVerboseTraceData> _pendingLoads = [];
    private readonly Dictionary<long, string> _modules = [];
    private readonly List<CodeRange> _ranges = [];
    private bool _sorted = true;

    private sealed record CodeRange(ulong Start, int Length, long ModuleId, int Token, int[] Native, int[] IL);

    public void OnModuleLoad(ModuleLoadUnloadTraceData data)
    {
        if (!string.IsNullOrEmpty(data.ModuleILPath)) _modules[data.ModuleID] = data.ModuleILPath;
    }

    public void OnMethodLoad(MethodLoadUnloadVerboseTraceData data)
    {
        // A load and its IL map arrive one after the other, in either order; pair them by method ID.
        if (_pendingMaps.Remove(data.MethodID, out var map)) Add(data, map);
        else _pendingLoads[data.MethodID] = (MethodLoadUnloadVerboseTraceData)data.Clone();
    }

    public void OnILMap(MethodILToNativeMapTraceData data)
    {
        var pairs = new List<(int Native, int IL)>(data.CountOfMapEntries);
        for (int i = 0; i < data.CountOfMapEntries; i++)
        {
            int il = data.ILOffset(i);
            if (il >= 0) pairs.Add((data.NativeOffset(i), il)); // prolog/epilog/no-mapping entries are negative
        }
        pairs.Sort((a, b) => a.Native.CompareTo(b.Native));
        var map = (pairs.Select(p => p.Native).ToArray(), pairs.Select(p => p.IL).ToArray());
        if (_pendingLoads.Remove(data.MethodID, out var load)) Add(load, map);
        else _pendingMaps[data.MethodID] = map;
    }

    private void Add(MethodLoadUnloadVerboseTraceData load, (int[] Native, int[] IL) map)
    {
        _ranges.Add(new CodeRange(load.MethodStartAddress, load.MethodSize, load.ModuleID, load.MethodToken, map.Native, map.IL));
        _sorted = false;
    }

    /// <summary>The IL offset of the call that a return address <paramref name="ip"/> follows, with its method token and module path.</summary>
    public bool TryFind(ulong ip, out int token, out int ilOffset, out string? modulePath)
    {
        token = 0;
        ilOffset = -1;
        modulePath = null;
        if (!_sorted)
        {
            _ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
            _sorted = true;
        }
        int lo = 0, hi = _ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (_ranges[mid].Start <= ip) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        // Code memory is reused after a method is unloaded or a tier replaced; the newest range that holds ip wins.
        for (int i = found; i >= 0 && i > found - 8; i--)
        {
            CodeRange range = _ranges[i];
            if (ip >= range.Start && ip < range.Start + (ulong)range.Length)
            {
                // Stack IPs are return addresses: the call is the instruction before.
                int native = (int)(ip - range.Start) - 1;
                int index = Array.BinarySearch(range.Native, native);
                if (index < 0) index = ~index - 1;
                if (index < 0) return false;
                token = range.Token;
                ilOffset = range.IL[index];
                modulePath = _modules.GetValueOrDefault(range.ModuleId);
                return true;
            }
        }
        return false;
    }
}
