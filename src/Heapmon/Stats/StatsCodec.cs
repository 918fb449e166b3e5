using Heapmon.Tracking;

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
        var strings = new StringTable();
        var objects = new List<ObjectDto>(data.Objects.Count);
        var refs = new List<int>();
        var nodes = new List<long>();
        TimeSpan runOffset = data.Run.Started.Offset;
        long start = data.Run.Started.UtcTicks;
        foreach (TrackedObjectRecord o in data.Objects)
        {
            int n = o.Samples.Count;
            var snap = new int[n];
            var size = new long[n];
            var flat = new long[n];
            refs.Clear();
            nodes.Clear();
            bool anyTree = false;
            for (int i = 0; i < n; i++)
            {
                SizeSample s = o.Samples[i];
                if (s.SnapshotIndex < 0 || s.SnapshotIndex >= data.Snapshots.Count || (i > 0 && s.SnapshotIndex <= o.Samples[i - 1].SnapshotIndex))
                    throw new ArgumentException($"object {o.Id}: samples must name existing snapshots in increasing order", nameof(data));
                snap[i] = i == 0 ? s.SnapshotIndex : s.SnapshotIndex - o.Samples[i - 1].SnapshotIndex;
                size[i] = i == 0 ? s.Size : s.Size - o.Samples[i - 1].Size;
                flat[i] = i == 0 ? s.Flat : s.Flat - o.Samples[i - 1].Flat;
                int before = nodes.Count;
                if (s.Referents is { } root) { AddTree(root, nodes, strings, 1); anyTree = true; }
                refs.Add((nodes.Count - before) / NodeWidth);
            }
            objects.Add(new ObjectDto
            {
                Id = o.Id,
                Class = strings.Add(o.ClassName),
                Name = o.Name,
                Birth = o.Birth.UtcTicks - start,
                BirthOffset = o.Birth.Offset == runOffset ? null : (int)o.Birth.Offset.TotalMinutes,
                Death = o.Death?.UtcTicks - start,
                DeathOffset = o.Death is { } d && d.Offset != runOffset ? (int)d.Offset.TotalMinutes : null,
                Level = o.ResolutionLevel,
                Trace = o.Trace?.Select(strings.Add).ToArray(),
                Snap = snap,
                Size = size,
                Flat = flat,
                Refs = anyTree ? [.. refs] : null,
                Nodes = anyTree ? [.. nodes] : null,
            });
        }
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

    private static void AddTree(ReferentNode node, List<long> nodes, StringTable strings, int depth)
    {
        if (depth > MaxTreeDepth) throw new ArgumentException($"referent tree deeper than {MaxTreeDepth} levels", nameof(node));
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
        for (int i = 0; i < objects.Length; i++)
            objects[i] = DecodeObject(dto.Objects[i] ?? throw Problem($"object {i} is null"), run.Started, dto.Snapshots.Count, strings);
        return new TrackerData(run, dto.Snapshots, dto.Classes, objects);
    }

    private static TrackedObjectRecord DecodeObject(ObjectDto o, DateTimeOffset started, int snapshotCount, List<string> strings)
    {
        int n = o.Snap?.Length ?? 0;
        Require((o.Size?.Length ?? 0) == n && (o.Flat?.Length ?? 0) == n, $"object {o.Id}: size series of different lengths");
        Require(o.Level >= 0, $"object {o.Id}: negative resolution level");
        var samples = new SizeSample[n];
        int snapshot = 0;
        long size = 0, flat = 0;
        int node = 0;
        if (o.Refs is not null) Require(o.Refs.Length == n, $"object {o.Id}: referent counts do not match the samples");
        long[] nodes = o.Nodes ?? [];
        for (int i = 0; i < n; i++)
        {
            int step = o.Snap![i];
            Require(i == 0 ? step >= 0 : step > 0, $"object {o.Id}: snapshot indices out of order");
            snapshot = checked(snapshot + step);
            Require(snapshot < snapshotCount, $"object {o.Id}: sample names snapshot {snapshot}, the file has {snapshotCount}");
            size = checked(size + o.Size![i]);
            flat = checked(flat + o.Flat![i]);
            Require(size >= 0 && flat >= 0, $"object {o.Id}: negative size");
            ReferentNode? tree = null;
            int count = o.Refs?[i] ?? 0;
            Require(count >= 0 && count <= (nodes.Length / NodeWidth) - node, $"object {o.Id}: referent tree runs past its nodes");
            if (count > 0)
            {
                int end = node + count;
                tree = ReadNode(nodes, ref node, end, strings, 1, o.Id);
                Require(node == end, $"object {o.Id}: referent tree node count mismatch");
            }
            samples[i] = new SizeSample(snapshot, size, flat, tree);
        }
        Require(node * NodeWidth == nodes.Length, $"object {o.Id}: unused referent nodes");
        string[]? trace = o.Trace?.Select(t => At(strings, t, o.Id)).ToArray();
        return new TrackedObjectRecord(o.Id, At(strings, o.Class, o.Id), o.Name, Time(started, o.Birth, o.BirthOffset),
            o.Death is { } death ? Time(started, death, o.DeathOffset) : null, o.Level, samples, trace);
    }

    private static ReferentNode ReadNode(long[] nodes, ref int node, int end, List<string> strings, int depth, long id)
    {
        Require(node < end, $"object {id}: referent tree runs past its nodes");
        Require(depth <= MaxTreeDepth, $"object {id}: referent tree deeper than {MaxTreeDepth} levels");
        int at = node * NodeWidth;
        node++;
        long size = nodes[at + 2], flat = nodes[at + 3], childCount = nodes[at + 4];
        Require(size >= 0 && flat >= 0 && childCount >= 0 && childCount <= end - node, $"object {id}: bad referent node");
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
        Require(index >= 0 && index < strings.Count, $"object {id}: string index {index} out of range");
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
