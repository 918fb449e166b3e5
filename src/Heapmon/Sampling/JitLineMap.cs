using System.Buffers.Binary;

namespace Heapmon.Sampling;

/// <summary>
/// Native code address → method (name, module, token) and IL offset, from the JIT's MethodLoadVerbose
/// and MethodILToNativeMap events (and the same from a rundown for code compiled before the session).
/// Used by one thread at a time: a rundown fills its own map, which the reader thread then merges into its own.
/// </summary>
/// <remarks>
/// Kept as a sorted array of structs with the names and IL maps in two shared arrays, all allocated large
/// enough for the large object heap: a table of thousands of methods, which lives as long as the session, never
/// climbs through gen0 and gen1 into gen2 (as ~1,700 small objects per 1,000 methods did, setting off a gen2 GC
/// in the measured program soon after the tracer started). A lookup never allocates.
/// </remarks>
internal sealed class JitLineMap
{
    private const int LargeArray = 24 * 1024; // elements: 24 Ki chars, ints or more bytes, so each array starts on the LOH

    private readonly Dictionary<ulong, (ulong Start, long Arrival)> _unmapped = [];
    private readonly Dictionary<ulong, (int Offset, int Count)> _earlyMaps = [];
    private readonly Dictionary<ulong, string> _modules = [];
    private Range[] _ranges = new Range[2048];
    private char[] _names = new char[LargeArray * 2];
    private int[] _maps = new int[LargeArray];
    private int _count;
    private int _namesUsed;
    private int _mapsUsed;
    private long _arrivals;

    /// <summary>One compiled body: where its code is, what it is, and its IL map (native, IL pairs) in the shared array.</summary>
    private struct Range
    {
        public ulong Start;
        public int Length;
        public int Token;
        public ulong ModuleId;
        public long Arrival; // among bodies at one address, the later one is the live one
        public int NameOffset;
        public int NameLength;
        public int MapOffset;
        public int MapCount; // -1 until the IL map arrives
    }

    public int Count => _count;

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
        var range = new Range
        {
            Start = method.Start, Length = method.Size, Token = method.Token, ModuleId = method.ModuleId, Arrival = _arrivals++,
            NameOffset = _namesUsed, MapCount = -1,
        };
        AppendName(method.TypeName);
        AppendName(".");
        AppendName(method.Name);
        if (paren >= 0) AppendName(signature[paren..]);
        range.NameLength = _namesUsed - range.NameOffset;
        // A load and its IL map arrive one after the other, in either order: pair them by method ID.
        if (_earlyMaps.Remove(method.MethodId, out var map)) (range.MapOffset, range.MapCount) = map;
        else Remember(_unmapped, method.MethodId, (range.Start, range.Arrival));
        Insert(range);
    }

    public void OnILMap(ulong methodId, int count, ReadOnlySpan<byte> ilOffsets, ReadOnlySpan<byte> nativeOffsets)
    {
        int offset = _mapsUsed, kept = 0;
        Grow(ref _maps, _mapsUsed + 2 * count);
        for (int i = 0; i < count; i++)
        {
            int il = BinaryPrimitives.ReadInt32LittleEndian(ilOffsets[(4 * i)..]);
            if (il < 0) continue; // prolog, epilog and no-mapping entries
            _maps[offset + 2 * kept] = BinaryPrimitives.ReadInt32LittleEndian(nativeOffsets[(4 * i)..]);
            _maps[offset + 2 * kept + 1] = il;
            kept++;
        }
        SortPairs(_maps.AsSpan(offset, 2 * kept));
        _mapsUsed += 2 * kept;
        if (_unmapped.Remove(methodId, out var body) && IndexOf(body.Start, body.Arrival) is int index and >= 0)
            (_ranges[index].MapOffset, _ranges[index].MapCount) = (offset, kept);
        else Remember(_earlyMaps, methodId, (offset, kept));
    }

    /// <summary>Takes in what a rundown listed: its code came before ours, so ours stays the newest for an address.</summary>
    public void MergeOlder(JitLineMap rundown)
    {
        foreach ((ulong id, string path) in rundown._modules) _modules.TryAdd(id, path);
        RuntimeDirectory ??= rundown.RuntimeDirectory;
        int names = _namesUsed, maps = _mapsUsed;
        Grow(ref _names, _namesUsed + rundown._namesUsed);
        rundown._names.AsSpan(0, rundown._namesUsed).CopyTo(_names.AsSpan(_namesUsed));
        _namesUsed += rundown._namesUsed;
        Grow(ref _maps, _mapsUsed + rundown._mapsUsed);
        rundown._maps.AsSpan(0, rundown._mapsUsed).CopyTo(_maps.AsSpan(_mapsUsed));
        _mapsUsed += rundown._mapsUsed;
        Grow(ref _ranges, _count + rundown._count);
        for (int i = 0; i < rundown._count; i++)
        {
            Range range = rundown._ranges[i];
            range.Arrival -= rundown._arrivals; // before every one of ours
            range.NameOffset += names;
            range.MapOffset += maps;
            _ranges[_count++] = range;
        }
        _ranges.AsSpan(0, _count).Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Arrival.CompareTo(b.Arrival));
    }

    /// <summary>The compiled body holding <paramref name="ip"/> (the newest, as code memory is reused), or −1.</summary>
    public int Find(ulong ip)
    {
        int found = UpperBound(ip) - 1;
        for (int i = found; i >= 0 && i > found - 8; i--)
            if (ip >= _ranges[i].Start && ip < _ranges[i].Start + (ulong)_ranges[i].Length) return i;
        return -1;
    }

    /// <summary>"Namespace.Type.Method(signature)" of a body <see cref="Find"/> returned (valid until the next load).</summary>
    public string Name(int index) => new(_names, _ranges[index].NameOffset, _ranges[index].NameLength);

    public ulong ModuleId(int index) => _ranges[index].ModuleId;

    public int Token(int index) => _ranges[index].Token;

    /// <summary>The IL offset of the call a return address <paramref name="ip"/> in body <paramref name="index"/> follows, or −1 without an IL map.</summary>
    public int ILOffset(int index, ulong ip)
    {
        Range range = _ranges[index];
        if (range.MapCount < 0) return -1;
        // Stack IPs are return addresses: the call is the instruction before. Optimised code can fold the first
        // statement into what the map calls the prolog (seen: `new int[8]` before the first mapped offset), or map
        // no IL at all (seen: a one-line method with string.Concat inlined); no prolog calls the allocator, so such
        // a call is placed at the method's first statement, IL offset 0: the right method and file, its first line.
        int native = (int)(ip - range.Start) - 1, il = 0;
        for (int i = 0; i < range.MapCount && _maps[range.MapOffset + 2 * i] <= native; i++) il = _maps[range.MapOffset + 2 * i + 1];
        return il;
    }

    private void Insert(in Range range)
    {
        Grow(ref _ranges, _count + 1);
        int at = UpperBound(range.Start);
        Array.Copy(_ranges, at, _ranges, at + 1, _count - at);
        _ranges[at] = range;
        _count++;
    }

    /// <summary>The index of the first body starting after <paramref name="address"/>.</summary>
    private int UpperBound(ulong address)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].Start <= address) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private int IndexOf(ulong start, long arrival)
    {
        for (int i = UpperBound(start) - 1; i >= 0 && _ranges[i].Start == start; i--)
            if (_ranges[i].Arrival == arrival) return i;
        return -1;
    }

    private void AppendName(ReadOnlySpan<char> part)
    {
        Grow(ref _names, _namesUsed + part.Length);
        part.CopyTo(_names.AsSpan(_namesUsed));
        _namesUsed += part.Length;
    }

    /// <summary>(native, IL) pairs by native offset; maps come nearly sorted, so insertion sort it is.</summary>
    private static void SortPairs(Span<int> pairs)
    {
        for (int i = 2; i < pairs.Length; i += 2)
        {
            int native = pairs[i], il = pairs[i + 1], j = i - 2;
            for (; j >= 0 && pairs[j] > native; j -= 2) (pairs[j + 2], pairs[j + 3]) = (pairs[j], pairs[j + 1]);
            (pairs[j + 2], pairs[j + 3]) = (native, il);
        }
    }

    /// <summary>A pairing waits for its other half; methods that never get one must not pile up.</summary>
    private static void Remember<T>(Dictionary<ulong, T> waiting, ulong methodId, T value)
    {
        if (waiting.Count >= 4096) waiting.Clear();
        waiting[methodId] = value;
    }

    private static void Grow<T>(ref T[] array, int needed)
    {
        if (needed > array.Length) Array.Resize(ref array, Math.Max(needed, array.Length * 2));
    }
}
