using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Heap snapshot files (<c>.heapsnap</c>): a binary header, then sections — the snapshot's figures, the
/// per-type table, the roots, the retainers and, when kept, the object graph. A diff reads the tables
/// and never inflates the graph (dotnet-gcdump's .gcdump, with retained sizes).
/// </summary>
public static class HeapSnapshotFile
{
    private const byte Figures = 1, Types = 2, Roots = 3, Retainers = 4, Graph = 5;

    /// <summary>Writes <paramref name="snapshot"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(HeapSnapshotData snapshot, string path)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        VersionedFile.Write(path, FileFormat.HeapSnapshot, file =>
        {
            FileSections.Write(file, Figures, compress: false, w => WriteFigures(w, snapshot));
            FileSections.Write(file, Types, compress: true, w => HeapSnapshotCodec.WriteTypes(w, snapshot.Types));
            FileSections.Write(file, Roots, compress: false, w => HeapSnapshotCodec.WriteRoots(w, snapshot.Roots));
            FileSections.Write(file, Retainers, compress: true, w => HeapSnapshotCodec.WriteRetainers(w, snapshot.Retainers));
            if (snapshot.Graph is { } graph) FileSections.Write(file, Graph, compress: true, w => SnapshotGraphCodec.Write(w, graph));
            FileSections.WriteEnd(file);
        });
    }

    /// <summary>Reads a heap snapshot file; with <paramref name="graph"/>, its object graph too, when it has one.</summary>
    /// <exception cref="HeapmonFormatException">The file is missing, of another format, truncated, corrupt or from a newer version.</exception>
    public static HeapSnapshotData Load(string path, bool graph = false) =>
        VersionedFile.Read(path, FileFormat.HeapSnapshot, content =>
        {
            FileSections sections = FileSections.Read(content.Body);
            using BinaryReader figures = sections.Open(Figures);
            using BinaryReader types = sections.Open(Types);
            using BinaryReader roots = sections.Open(Roots);
            using BinaryReader retainers = sections.Open(Retainers);
            IReadOnlyList<HeapTypeSummary> typeRows = HeapSnapshotCodec.ReadTypes(types);
            SnapshotGraph? kept = null;
            if (graph && sections.Has(Graph))
            {
                using BinaryReader g = sections.Open(Graph);
                kept = SnapshotGraphCodec.Read(g, typeRows.Count);
            }
            return ReadFigures(figures, typeRows, HeapSnapshotCodec.ReadRoots(roots), HeapSnapshotCodec.ReadRetainers(retainers), kept);
        });

    private static void WriteFigures(BinaryWriter w, HeapSnapshotData s)
    {
        w.Write(s.Timestamp.UtcTicks);
        w.Write((short)s.Timestamp.Offset.TotalMinutes);
        w.Write(s.ProcessId);
        w.Write(s.ProcessName);
        w.Write7BitEncodedInt64(s.Process.ResidentBytes);
        w.Write7BitEncodedInt64(s.Process.GcHeapBytes);
        w.Write7BitEncodedInt64(s.Process.GcCommittedBytes);
        w.Write7BitEncodedInt64(s.Process.GcFragmentedBytes);
        w.Write7BitEncodedInt64(s.UnreachedCount);
        w.Write7BitEncodedInt64(s.UnreachedBytes);
    }

    private static HeapSnapshotData ReadFigures(BinaryReader r, IReadOnlyList<HeapTypeSummary> types, IReadOnlyList<HeapRootSummary> roots,
        IReadOnlyList<HeapRetainer> retainers, SnapshotGraph? graph)
    {
        long ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        var timestamp = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
        int pid = r.ReadInt32();
        string name = r.ReadString();
        var process = new HeapProcessFigures(HeapSnapshotCodec.Count(r), HeapSnapshotCodec.Count(r), HeapSnapshotCodec.Count(r), HeapSnapshotCodec.Count(r));
        long unreachedCount = HeapSnapshotCodec.Count(r), unreachedBytes = HeapSnapshotCodec.Count(r);
        return new HeapSnapshotData(timestamp, pid, name, process, types, roots, retainers, unreachedCount, unreachedBytes) { Graph = graph };
    }
}
