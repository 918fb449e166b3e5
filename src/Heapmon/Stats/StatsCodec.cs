using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Turns <see cref="TrackerData"/> into the file document and back. Decoding checks every index,
/// count and size, so a loaded model is one every renderer can print.
/// </summary>
internal static class StatsCodec
{
    /// <summary>Deepest referent tree a file may hold; renderers recurse, and no resolution level comes near it.</summary>
    public const int MaxTreeDepth = 256;

    private const int NodeWidth = 5;

    public static StatsFileDto Encode(TrackerData data)
    {
        // Refuse now what a reader would refuse later: a dump must always load.
        for (int i = 0; i < data.Snapshots.Count; i++)
            if (data.Snapshots[i].Index != i) throw new ArgumentException($"snapshot {i} has index {data.Snapshots[i].Index}; snapshots must be numbered from 0 in order");
        var strings = new StringTable();
        var encoder = new ObjectEncoder(strings, data.Run.Started, data.Snapshots.Count);
        var objects = new List<ObjectDto>(data.Objects.Count);
        foreach (TrackedObjectRecord o in data.Objects) objects.Add(encoder.Encode(o));
        return new StatsFileDto
        {
            Format = StatsFile.FormatName,
            Version = StatsFile.FormatVersion,
            Run = data.Run,
            Snapshots = [.. data.Snapshots],
            Classes = [.. data.Classes],
            Strings = strings.Items,
            Objects = objects,
        };
    }

    /// <summary>One object at a time, into buffers reused from object to object.</summary>
    private sealed class ObjectEncoder(StringTable strings, DateTimeOffset started, int snapshotCount)
    {
        private readonly List<int> _refs = [];
        private readonly List<long> _nodes = [];
        private readonly List<int> _snap = [];
        private readonly List<long> _size = [];
        private readonly List<long> _flat = [];
        private readonly long _start = started.UtcTicks;
        private readonly TimeSpan _runOffset = started.Offset;

        public ObjectDto Encode(TrackedObjectRecord o)
        {
            bool anyTree = EncodeSamples(o);
            return new ObjectDto
            {
                Id = o.Id,
                Class = strings.Add(o.ClassName),
                Name = o.Name,
                Birth = o.Birth.UtcTicks - _start,
                BirthOffset = o.Birth.Offset == _runOffset ? null : (int)o.Birth.Offset.TotalMinutes,
                Death = o.Death?.UtcTicks - _start,
                DeathOffset = o.Death is { } d && d.Offset != _runOffset ? (int)d.Offset.TotalMinutes : null,
                Level = o.ResolutionLevel,
                Trace = o.Trace?.Select(strings.Add).ToArray(),
                Snap = [.. _snap],
                Size = [.. _size],
                Flat = [.. _flat],
                Refs = anyTree ? [.. _refs] : null,
                Nodes = anyTree ? [.. _nodes] : null,
            };
        }

        /// <summary>Fills the buffers with the object's samples; true when any sample has a referent tree.</summary>
        private bool EncodeSamples(TrackedObjectRecord o)
        {
            _snap.Clear();
            _size.Clear();
            _flat.Clear();
            _refs.Clear();
            _nodes.Clear();
            bool anyTree = false;
            int previous = -1;
            long lastSize = 0, lastFlat = 0;
            foreach (SizeSample s in o.Samples)
            {
                if (s.SnapshotIndex <= previous || s.SnapshotIndex >= snapshotCount)
                    throw new ArgumentException($"object {o.Id}: samples must name existing snapshots in increasing order");
                // Runs: consecutive snapshots as [first, count]; sizes and flats as runs of equal
                // differences [delta, repeats]: a constant size and a steady growth both cost two numbers.
                if (s.SnapshotIndex == previous + 1 && _snap.Count > 0) _snap[^1]++;
                else _snap.AddRange([s.SnapshotIndex, 1]);
                AddRun(_size, s.Size - lastSize);
                AddRun(_flat, s.Flat - lastFlat);
                (lastSize, lastFlat) = (s.Size, s.Flat);
                previous = s.SnapshotIndex;
                int before = _nodes.Count;
                if (s.Referents is { } root) { AddTree(root, _nodes, strings, 1); anyTree = true; }
                _refs.Add((_nodes.Count - before) / NodeWidth);
            }
            return anyTree;
        }
    }

    private static void AddRun(List<long> runs, long delta)
    {
        if (runs.Count > 0 && runs[^2] == delta) runs[^1]++;
        else runs.AddRange([delta, 1]);
    }

    private static void AddTree(ReferentNode node, List<long> nodes, StringTable strings, int depth)
    {
        if (depth > MaxTreeDepth) throw new ArgumentException($"referent tree deeper than {MaxTreeDepth} levels");
        nodes.Add(strings.Add(node.Name));
        nodes.Add(strings.Add(node.Type));
        nodes.Add(node.Size);
        nodes.Add(node.Flat);
        nodes.Add(node.Children.Count);
        foreach (ReferentNode child in node.Children) AddTree(child, nodes, strings, depth + 1);
    }

    /// <summary>The model a document describes; <see cref="InvalidDataException"/> with a one-line reason when it is inconsistent.</summary>
    public static TrackerData Decode(StatsFileDto dto)
    {
        RunInfo run = dto.Run;
        Require(run.ProcessName is not null && run.CommandLine is not null && run.RuntimeVersion is not null && run.HeapmonVersion is not null, "run information is incomplete");
        for (int i = 0; i < dto.Snapshots.Count; i++) CheckSnapshot(dto.Snapshots[i], i);
        foreach (TrackedClassRecord c in dto.Classes) CheckClass(c);
        List<string> strings = dto.Strings;
        foreach (string s in strings) Require(s is not null, "string table holds a null");

        var objects = new TrackedObjectRecord[dto.Objects.Count];
        var counts = new int[objects.Length];
        long total = 0;
        for (int i = 0; i < objects.Length; i++)
            total += counts[i] = CountSamples(dto.Objects[i] ?? throw Problem($"object {i} is null"), dto.Snapshots.Count);
        var store = new SampleStore(total);
        var segments = new ArraySegment<SizeSample>[objects.Length];
        for (int i = 0; i < objects.Length; i++) segments[i] = store.Take(counts[i]);

        // Objects decode independently: split them into one contiguous range per core. Each range
        // stops at its first error, and the error of the lowest range wins, so the message is the one
        // a sequential decode would give.
        int ranges = objects.Length < 10_000 ? 1 : Math.Min(Environment.ProcessorCount, 8);
        var errors = new Exception?[ranges];
        Parallel.For(0, ranges, r =>
        {
            int from = (int)((long)objects.Length * r / ranges), to = (int)((long)objects.Length * (r + 1) / ranges);
            try
            {
                for (int i = from; i < to; i++)
                    objects[i] = DecodeObject(dto.Objects[i], segments[i], run.Started, strings);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or OverflowException)
            {
                errors[r] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        return new TrackerData(run, dto.Snapshots, dto.Classes, objects);
    }

    /// <summary>How many samples an object's snapshot runs describe, once they are known to fit the file's snapshots.</summary>
    private static int CountSamples(ObjectDto o, int snapshotCount)
    {
        int[] snap = o.Snap ?? [];
        if (snap.Length % 2 != 0) throw Problem($"object {o.Id}: a run list has an odd length");
        int n = 0, next = 0;
        for (int r = 0; r < snap.Length; r += 2)
        {
            int first = snap[r], count = snap[r + 1];
            if (first < next || count < 1 || count > snapshotCount - first)
                throw Problem($"object {o.Id}: samples name snapshots out of order or beyond the {snapshotCount} in the file");
            next = first + count;
            n += count;
        }
        return n;
    }

    private static TrackedObjectRecord DecodeObject(ObjectDto o, ArraySegment<SizeSample> samples, DateTimeOffset started, List<string> strings)
    {
        if (o.Level < 0) throw Problem($"object {o.Id}: negative resolution level");
        int[] snap = o.Snap ?? [];
        long[] size = o.Size ?? [], flat = o.Flat ?? [], nodes = o.Nodes ?? [];
        if (size.Length % 2 != 0 || flat.Length % 2 != 0) throw Problem($"object {o.Id}: a run list has an odd length");
        if (o.Refs is not null && o.Refs.Length != samples.Count) throw Problem($"object {o.Id}: referent counts do not match the samples");

        var sizes = new RunReader(size, o.Id);
        var flats = new RunReader(flat, o.Id);
        int i = 0, node = 0;
        for (int r = 0; r < snap.Length; r += 2)
            for (int k = 0; k < snap[r + 1]; k++, i++)
            {
                long sz = sizes.Next(), fl = flats.Next();
                ReferentNode? tree = null;
                int count = o.Refs?[i] ?? 0;
                if (count < 0 || count > (nodes.Length / NodeWidth) - node) throw Problem($"object {o.Id}: referent tree runs past its nodes");
                if (count > 0)
                {
                    int end = node + count;
                    tree = ReadNode(nodes, ref node, end, strings, 1, o.Id);
                    if (node != end) throw Problem($"object {o.Id}: referent tree node count mismatch");
                }
                samples[i] = new SizeSample(snap[r] + k, sz, fl, tree);
            }
        sizes.End();
        flats.End();
        if (node * NodeWidth != nodes.Length) throw Problem($"object {o.Id}: unused referent nodes");
        string[]? trace = o.Trace?.Select(t => At(strings, t, o.Id)).ToArray();
        return new TrackedObjectRecord(o.Id, At(strings, o.Class, o.Id), o.Name, Time(started, o.Birth, o.BirthOffset),
            o.Death is { } death ? Time(started, death, o.DeathOffset) : null, o.Level, samples, trace);
    }

    /// <summary>
    /// Hands out the samples of every object from a few large arrays. One small array per object made a
    /// 10-million-sample load spend most of its time in gen0 GCs copying samples that all survive;
    /// arrays this size go straight to the large object heap.
    /// </summary>
    private sealed class SampleStore(long total)
    {
        private const int ChunkLength = 1 << 20;
        private long _left = total;
        private SizeSample[] _chunk = [];
        private int _used;

        public ArraySegment<SizeSample> Take(int count)
        {
            if (count == 0) return ArraySegment<SizeSample>.Empty;
            if (_chunk.Length - _used < count)
            {
                _chunk = new SizeSample[Math.Max(count, (int)Math.Min(ChunkLength, _left))];
                _used = 0;
            }
            var segment = new ArraySegment<SizeSample>(_chunk, _used, count);
            _used += count;
            _left -= count;
            return segment;
        }
    }

    /// <summary>Reads a [delta, repeats, ...] run list one size at a time, checking it holds exactly as many sizes as there are samples.</summary>
    private struct RunReader(long[] runs, long id)
    {
        private int _run;
        private long _left;
        private long _value;

        public long Next()
        {
            while (_left == 0)
            {
                if (_run >= runs.Length) throw Problem($"object {id}: size runs are shorter than the samples");
                _left = runs[_run + 1];
                if (_left < 1) throw Problem($"object {id}: size run of {_left}");
                _run += 2;
            }
            _left--;
            _value = checked(_value + runs[_run - 2]);
            if (_value < 0) throw Problem($"object {id}: negative size");
            return _value;
        }

        public readonly void End()
        {
            if (_left != 0 || _run != runs.Length) throw Problem($"object {id}: size runs are longer than the samples");
        }
    }

    private static ReferentNode ReadNode(long[] nodes, ref int node, int end, List<string> strings, int depth, long id)
    {
        if (node >= end) throw Problem($"object {id}: referent tree runs past its nodes");
        if (depth > MaxTreeDepth) throw Problem($"object {id}: referent tree deeper than {MaxTreeDepth} levels");
        int at = node * NodeWidth;
        node++;
        long size = nodes[at + 2], flat = nodes[at + 3], childCount = nodes[at + 4];
        if (size < 0 || flat < 0 || childCount < 0 || childCount > end - node) throw Problem($"object {id}: bad referent node");
        var children = new ReferentNode[childCount];
        for (int c = 0; c < children.Length; c++) children[c] = ReadNode(nodes, ref node, end, strings, depth + 1, id);
        return new ReferentNode(At(strings, nodes[at], id), At(strings, nodes[at + 1], id), size, flat, children);
    }

    private static void CheckSnapshot(Snapshot s, int position)
    {
        Require(s is not null, $"snapshot {position} is null");
        Require(s!.Index == position, $"snapshot {position} has index {s.Index}");
        Require(s.Process is not null && s.Gc is not null && s.Classes is not null, $"snapshot {position} is incomplete");
        Require(s.Gc!.Generations is not null && s.Gc.CollectionCounts is not null && s.Gc.Generations!.All(g => g is not null && g.Name is not null), $"snapshot {position}: GC figures are incomplete");
        Require(s.Classes!.All(c => c is not null && c.ClassName is not null), $"snapshot {position}: class summary is incomplete");
    }

    private static void CheckClass(TrackedClassRecord c)
    {
        Require(c is not null && c.ClassName is not null && c.Sites is not null, "tracked class record is incomplete");
        Require(c!.Sites!.All(s => s is not null && s.Frames is not null && s.Frames!.All(f => f is not null)), $"class {c.ClassName}: instantiation site is incomplete");
    }

    private static DateTimeOffset Time(DateTimeOffset started, long ticksAfterStart, int? offsetMinutes)
    {
        var utc = new DateTime(checked(started.UtcTicks + ticksAfterStart), DateTimeKind.Utc);
        return new DateTimeOffset(utc).ToOffset(offsetMinutes is { } m ? TimeSpan.FromMinutes(m) : started.Offset);
    }

    private static string At(List<string> strings, long index, long id)
    {
        if (index < 0 || index >= strings.Count) throw Problem($"object {id}: string index {index} out of range");
        return strings[(int)index];
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition) throw Problem(problem);
    }

    private static InvalidDataException Problem(string problem) => new(problem);

    /// <summary>Each distinct string once, numbered in order of first use.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public List<string> Items { get; } = [];

        public int Add(string value)
        {
            if (!_index.TryGetValue(value, out int i))
            {
                i = Items.Count;
                _index.Add(value, i);
                Items.Add(value);
            }
            return i;
        }
    }
}
