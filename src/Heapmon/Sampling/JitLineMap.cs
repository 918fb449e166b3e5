using System.Buffers.Binary;

namespace Heapmon.Sampling;

/// <summary>
/// Native code address → method (name, module, token) and IL offset, from the JIT's MethodLoadVerbose
/// and MethodILToNativeMap events (and the same from a rundown for code compiled before the session).
/// Used by one thread at a time: a rundown fills its own map, which the reader thread then merges into its own.
/// </summary>
internal sealed class JitLineMap
{
    private readonly Dictionary<ulong, (int[] Native, int[] IL)> _pendingMaps = [];
    private readonly Dictionary<ulong, CodeRange> _latestByMethod = [];
    private readonly Dictionary<ulong, string> _modules = [];
    private readonly List<CodeRange> _ranges = [];
    private bool _sorted = true;

    /// <summary>One compiled body of a method; <see cref="Native"/> and <see cref="IL"/> are empty until its IL map arrives.</summary>
    internal sealed class CodeRange(ulong start, int length, ulong moduleId, int token, string name)
    {
        public ulong Start { get; } = start;
        public int Length { get; } = length;
        public ulong ModuleId { get; } = moduleId;
        public int Token { get; } = token;
        public string Name { get; } = name;
        public int[] Native { get; set; } = [];
        public int[] IL { get; set; } = [];
        public bool HasMap { get; set; }
    }

    public int Count => _ranges.Count;

    /// <summary>The folder of the traced process's System.Private.CoreLib (its runtime), once a load or rundown has named it.</summary>
    public string? RuntimeDirectory { get; private set; }

    public void OnModuleLoad(ulong moduleId, ReadOnlySpan<char> path)
    {
        if (path.IsEmpty || (_modules.TryGetValue(moduleId, out string? known) && path.SequenceEqual(known))) return;
        string text = path.ToString();
        _modules[moduleId] = text;
        if (text.EndsWith("/System.Private.CoreLib.dll", StringComparison.Ordinal)) RuntimeDirectory = Path.GetDirectoryName(text);
    }

    public string? ModulePath(ulong moduleId) => _modules.GetValueOrDefault(moduleId);

    public void OnMethodLoad(in MethodLoad method)
    {
        ReadOnlySpan<char> signature = method.Signature;
        int paren = signature.IndexOf('(');
        string name = string.Concat(method.TypeName, ".", method.Name, paren >= 0 ? signature[paren..] : default);
        var range = new CodeRange(method.Start, method.Size, method.ModuleId, method.Token, name);
        // A load and its IL map arrive one after the other, in either order: pair them by method ID.
        if (_pendingMaps.Remove(method.MethodId, out var map)) SetMap(range, map);
        _latestByMethod[method.MethodId] = range;
        _ranges.Add(range);
        _sorted = false;
    }

    public void OnILMap(ulong methodId, int count, ReadOnlySpan<byte> ilOffsets, ReadOnlySpan<byte> nativeOffsets)
    {
        var pairs = new List<(int Native, int IL)>(count);
        for (int i = 0; i < count; i++)
        {
            int il = BinaryPrimitives.ReadInt32LittleEndian(ilOffsets[(4 * i)..]);
            // Prolog, epilog and no-mapping entries are negative.
            if (il >= 0) pairs.Add((BinaryPrimitives.ReadInt32LittleEndian(nativeOffsets[(4 * i)..]), il));
        }
        pairs.Sort((a, b) => a.Native.CompareTo(b.Native));
        var map = (pairs.ConvertAll(p => p.Native).ToArray(), pairs.ConvertAll(p => p.IL).ToArray());
        if (_latestByMethod.TryGetValue(methodId, out CodeRange? range) && !range.HasMap) SetMap(range, map);
        else _pendingMaps[methodId] = map;
    }

    /// <summary>Takes in what a rundown listed: its code came before ours, so ours stays the newest for an address.</summary>
    public void MergeOlder(JitLineMap rundown)
    {
        foreach ((ulong id, string path) in rundown._modules) _modules.TryAdd(id, path);
        RuntimeDirectory ??= rundown.RuntimeDirectory;
        _ranges.InsertRange(0, rundown._ranges);
        _sorted = false;
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
