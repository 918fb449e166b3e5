using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Heapmon.Sampling;

/// <summary>
/// Native code address → method (name, module, token) and IL offset, from the JIT's MethodLoadVerbose
/// and MethodILToNativeMap events (and the same from a rundown for code compiled before the session).
/// Used by one thread at a time: the rundown fills it, then the reader thread owns it.
/// </summary>
internal sealed class JitLineMap
{
    private readonly Dictionary<long, (int[] Native, int[] IL)> _pendingMaps = [];
    private readonly Dictionary<long, CodeRange> _latestByMethod = [];
    private readonly Dictionary<long, string> _modules = [];
    private readonly List<CodeRange> _ranges = [];
    private bool _sorted = true;

    /// <summary>One compiled body of a method; <see cref="Native"/> and <see cref="IL"/> are empty until its IL map arrives.</summary>
    internal sealed class CodeRange(ulong start, int length, long moduleId, int token, string name)
    {
        public ulong Start { get; } = start;
        public int Length { get; } = length;
        public long ModuleId { get; } = moduleId;
        public int Token { get; } = token;
        public string Name { get; } = name;
        public int[] Native { get; set; } = [];
        public int[] IL { get; set; } = [];
        public bool HasMap { get; set; }
    }

    public int Count => _ranges.Count;

    public void OnModuleLoad(ModuleLoadUnloadTraceData data)
    {
        if (!string.IsNullOrEmpty(data.ModuleILPath)) _modules[data.ModuleID] = data.ModuleILPath;
    }

    public string? ModulePath(long moduleId) => _modules.GetValueOrDefault(moduleId);

    public void OnMethodLoad(MethodLoadUnloadVerboseTraceData data)
    {
        string signature = data.MethodSignature ?? "";
        int paren = signature.IndexOf('(');
        string name = $"{data.MethodNamespace}.{data.MethodName}{(paren >= 0 ? signature[paren..] : "")}";
        var range = new CodeRange(data.MethodStartAddress, data.MethodSize, data.ModuleID, data.MethodToken, name);
        // A load and its IL map arrive one after the other, in either order: pair them by method ID.
        if (_pendingMaps.Remove(data.MethodID, out var map)) SetMap(range, map);
        _latestByMethod[data.MethodID] = range;
        _ranges.Add(range);
        _sorted = false;
    }

    public void OnILMap(MethodILToNativeMapTraceData data)
    {
        var pairs = new List<(int Native, int IL)>(data.CountOfMapEntries);
        for (int i = 0; i < data.CountOfMapEntries; i++)
        {
            int il = data.ILOffset(i);
            if (il >= 0) pairs.Add((data.NativeOffset(i), il)); // prolog, epilog and no-mapping entries are negative
        }
        pairs.Sort((a, b) => a.Native.CompareTo(b.Native));
        var map = (pairs.Select(p => p.Native).ToArray(), pairs.Select(p => p.IL).ToArray());
        if (_latestByMethod.TryGetValue(data.MethodID, out CodeRange? range) && !range.HasMap) SetMap(range, map);
        else _pendingMaps[data.MethodID] = map;
    }

    private static void SetMap(CodeRange range, (int[] Native, int[] IL) map)
    {
        range.Native = map.Native;
        range.IL = map.IL;
        range.HasMap = true;
    }

    /// <summary>The compiled body holding <paramref name="ip"/>, newest first (code memory is reused after tiering).</summary>
    public CodeRange? Find(ulong ip)
    {
        if (!_sorted)
        {
            // Stable by arrival, so among equal starts the newest stays last.
            var ordered = _ranges.Select((r, i) => (r, i)).OrderBy(p => p.r.Start).ThenBy(p => p.i).Select(p => p.r).ToList();
            _ranges.Clear();
            _ranges.AddRange(ordered);
            _sorted = true;
        }
        int lo = 0, hi = _ranges.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (_ranges[mid].Start <= ip) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        for (int i = found; i >= 0 && i > found - 8; i--)
            if (ip >= _ranges[i].Start && ip < _ranges[i].Start + (ulong)_ranges[i].Length) return _ranges[i];
        return null;
    }

    /// <summary>The IL offset of the call a return address <paramref name="ip"/> follows, or −1 without an IL map.</summary>
    public static int ILOffset(CodeRange range, ulong ip)
    {
        // Stack IPs are return addresses: the call is the instruction before.
        int native = (int)(ip - range.Start) - 1;
        int index = Array.BinarySearch(range.Native, native);
        if (index < 0) index = ~index - 1;
        return index < 0 ? -1 : range.IL[index];
    }
}
