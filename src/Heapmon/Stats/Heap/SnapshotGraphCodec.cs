using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// The object graph section: per object its type row, shallow size and out-degree, then each reference as
/// the zigzag difference from its source id (objects allocated together reference each other: small numbers).
/// </summary>
internal static class SnapshotGraphCodec
{
    public static void Write(BinaryWriter w, SnapshotGraph g)
    {
        int n = g.ObjectCount;
        w.Write7BitEncodedInt(n);
        for (int v = 0; v < n; v++)
        {
            w.Write7BitEncodedInt(g.Types[v]);
            w.Write7BitEncodedInt64(g.Sizes[v]);
            w.Write7BitEncodedInt(g.Offsets[v + 1] - g.Offsets[v]);
        }
        for (int v = 0; v < n; v++)
            for (int e = g.Offsets[v]; e < g.Offsets[v + 1]; e++) w.Write7BitEncodedInt64(ZigZag((long)g.Edges[e] - v));
        w.Write7BitEncodedInt(g.RootObjects.Length);
        for (int r = 0; r < g.RootObjects.Length; r++)
        {
            w.Write7BitEncodedInt(g.RootObjects[r]);
            w.Write((byte)g.RootKinds[r]);
            w.Write(g.RootLabels[r]);
        }
    }

    public static SnapshotGraph Read(BinaryReader r, int typeRows)
    {
        int n = HeapSnapshotCodec.Length(r, 3);
        var types = new int[n];
        var sizes = new uint[n];
        var offsets = new int[n + 1];
        for (int v = 0; v < n; v++)
        {
            types[v] = Index(r.Read7BitEncodedInt(), typeRows + 1, "type row");
            sizes[v] = (uint)Math.Min(HeapSnapshotCodec.Count(r), uint.MaxValue);
            offsets[v + 1] = checked(offsets[v] + Index(r.Read7BitEncodedInt(), int.MaxValue, "reference count"));
        }
        if (offsets[n] > r.BaseStream.Length - r.BaseStream.Position) throw new InvalidDataException($"{offsets[n]} references do not fit in the section");
        var edges = new int[offsets[n]];
        for (int v = 0; v < n; v++)
            for (int e = offsets[v]; e < offsets[v + 1]; e++) edges[e] = Index(v + UnZigZag(r.Read7BitEncodedInt64()), n, "reference");
        int roots = HeapSnapshotCodec.Length(r, 3);
        var rootObjects = new int[roots];
        var kinds = new GcRootKind[roots];
        var labels = new string[roots];
        for (int i = 0; i < roots; i++)
        {
            rootObjects[i] = Index(r.Read7BitEncodedInt(), n, "root object");
            byte kind = r.ReadByte();
            kinds[i] = Enum.IsDefined((GcRootKind)kind) ? (GcRootKind)kind : throw new InvalidDataException($"unknown root kind {kind}");
            labels[i] = r.ReadString();
        }
        return new SnapshotGraph(types, sizes, offsets, edges, rootObjects, kinds, labels);
    }

    private static int Index(long value, int limit, string what) =>
        value >= 0 && value < limit ? (int)value : throw new InvalidDataException($"{what} {value} out of range");

    private static long ZigZag(long value) => (value << 1) ^ (value >> 63);

    private static long UnZigZag(long value) => (long)((ulong)value >> 1) ^ -(value & 1);
}
