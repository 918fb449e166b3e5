using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>The sections of a heap snapshot file as plain data, each figure a 7-bit encoded integer, every read checked.</summary>
internal static class HeapSnapshotCodec
{
    private const int MaxHeld = 64, MaxPath = 256;

    public static void WriteTypes(BinaryWriter w, IReadOnlyList<HeapTypeSummary> types)
    {
        w.Write7BitEncodedInt(types.Count);
        foreach (HeapTypeSummary t in types) WriteType(w, t);
    }

    public static IReadOnlyList<HeapTypeSummary> ReadTypes(BinaryReader r)
    {
        int count = Length(r, 8);
        var types = new HeapTypeSummary[count];
        for (int i = 0; i < count; i++) types[i] = ReadType(r);
        return types;
    }

    public static void WriteRoots(BinaryWriter w, IReadOnlyList<HeapRootSummary> roots)
    {
        w.Write7BitEncodedInt(roots.Count);
        foreach (HeapRootSummary root in roots)
        {
            w.Write((byte)root.Kind);
            w.Write7BitEncodedInt64(root.Count);
            w.Write7BitEncodedInt64(root.RetainedBytes);
        }
    }

    public static IReadOnlyList<HeapRootSummary> ReadRoots(BinaryReader r)
    {
        int count = Length(r, 3);
        var roots = new HeapRootSummary[count];
        for (int i = 0; i < count; i++) roots[i] = new HeapRootSummary(Kind(r), Count(r), Count(r));
        return roots;
    }

    public static void WriteRetainers(BinaryWriter w, IReadOnlyList<HeapRetainer> retainers)
    {
        w.Write7BitEncodedInt(retainers.Count);
        foreach (HeapRetainer x in retainers)
        {
            w.Write(x.TypeName);
            w.Write7BitEncodedInt64(x.Bytes);
            w.Write7BitEncodedInt64(x.RetainedBytes);
            w.Write((byte)x.RootKind);
            w.Write(x.Root);
            w.Write7BitEncodedInt(x.Path.Count);
            foreach (string step in x.Path) w.Write(step);
            w.Write7BitEncodedInt(x.Held.Count);
            foreach (HeapTypeSummary held in x.Held) WriteType(w, held);
        }
    }

    public static IReadOnlyList<HeapRetainer> ReadRetainers(BinaryReader r)
    {
        int count = Length(r, 8);
        var retainers = new HeapRetainer[count];
        for (int i = 0; i < count; i++)
        {
            string type = r.ReadString();
            long bytes = Count(r), retained = Count(r);
            GcRootKind kind = Kind(r);
            string root = r.ReadString();
            var path = new string[Length(r, 1, MaxPath)];
            for (int p = 0; p < path.Length; p++) path[p] = r.ReadString();
            var held = new HeapTypeSummary[Length(r, 4, MaxHeld)];
            for (int h = 0; h < held.Length; h++) held[h] = ReadType(r);
            retainers[i] = new HeapRetainer(type, bytes, retained, kind, root, path, held);
        }
        return retainers;
    }

    /// <summary>A non-negative figure.</summary>
    public static long Count(BinaryReader r)
    {
        long value = r.Read7BitEncodedInt64();
        return value >= 0 ? value : throw new InvalidDataException($"a negative figure ({value}) at byte {r.BaseStream.Position}");
    }

    /// <summary>A list length, checked against what is left (each item takes at least <paramref name="minBytes"/>) so damage cannot ask for gigabytes.</summary>
    public static int Length(BinaryReader r, int minBytes, int max = int.MaxValue)
    {
        int length = r.Read7BitEncodedInt();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (length < 0 || length > max || (long)length * minBytes > left)
            throw new InvalidDataException($"a list of {length} items at byte {r.BaseStream.Position} does not fit in the {left} bytes left");
        return length;
    }

    private static void WriteType(BinaryWriter w, HeapTypeSummary t)
    {
        w.Write(t.TypeName);
        w.Write7BitEncodedInt64(t.Count);
        w.Write7BitEncodedInt64(t.Bytes);
        w.Write7BitEncodedInt64(t.RetainedBytes);
    }

    private static HeapTypeSummary ReadType(BinaryReader r) => new(r.ReadString(), Count(r), Count(r), Count(r));

    private static GcRootKind Kind(BinaryReader r)
    {
        byte kind = r.ReadByte();
        return Enum.IsDefined((GcRootKind)kind) ? (GcRootKind)kind : throw new InvalidDataException($"unknown root kind {kind}");
    }
}
