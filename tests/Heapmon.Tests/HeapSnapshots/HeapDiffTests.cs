using System.Runtime.CompilerServices;
using Heapmon.Cli;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Sizing;
using Heapmon.Stats;

namespace Heapmon.Tests.HeapSnapshots;

/// <summary>
/// The leak hunt end to end: snapshot, add exactly N instances held by a static dictionary plus garbage,
/// snapshot again, and `heapmon heap diff` must put the type in its first rows with +N and N × its size,
/// the dictionary must retain them, and the leak suspect must name the static field.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class HeapDiffTests
{
    private const int Added = 7_000;
    private static Dictionary<int, Invoice>? s_invoices;

    public sealed class Invoice(int id)
    {
        public int Id = id;
        public long Cents;
    }

    [Fact]
    public void DiffListsTheAddedInstancesAndTheSuspectNamesTheStaticField()
    {
        string dir = TestPaths.NewTempDirectory("heapdiff");
        string a = Path.Combine(dir, "a.heapsnap"), b = Path.Combine(dir, "b.heapsnap"), html = Path.Combine(dir, "diff.html");
        s_invoices = new Dictionary<int, Invoice>();
        Add(0, 100);
        HeapSnapshotFile.Save(HeapSnapshot.Take(), a);
        Add(100, Added);
        MakeGarbage();
        HeapSnapshotData after = HeapSnapshot.Take();
        HeapSnapshotFile.Save(after, b);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = HeapmonCli.Run(["heap", "diff", a, b, "--top", "5", "--html", html], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        string invoice = typeof(Invoice).FullName!;
        string[] rows = stdout.ToString().Split('\n');
        int header = Array.FindIndex(rows, r => r.Contains("Δ Retained", StringComparison.Ordinal));
        string[] firstFive = rows[(header + 1)..(header + 6)];
        string row = Assert.Single(firstFive, r => r.TrimEnd().EndsWith(" " + invoice, StringComparison.Ordinal));
        string[] cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long size = ObjectSize.Shallow(new Invoice(0));
        Assert.Equal((Added + 100).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), cells[0]);
        Assert.Equal("+" + Added.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), cells[1]);
        Assert.Equal("+" + (Added * size).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), cells[3]);

        string field = $"static {typeof(HeapDiffTests).FullName}.{nameof(s_invoices)}";
        HeapRetainer holder = after.Retainers.Single(r => r.Root == field && r.Path.Count == 1);
        Assert.True(holder.RetainedBytes >= (Added + 100) * size, $"the dictionary retains {holder.RetainedBytes}");
        string suspects = stdout.ToString()[stdout.ToString().IndexOf("Leak suspects:", StringComparison.Ordinal)..];
        Assert.Contains($"{Added + 100:N0} instances of {invoice}", suspects, StringComparison.Ordinal);
        Assert.Contains($"held by {field}", suspects, StringComparison.Ordinal);
        Assert.Contains($"+{Added:N0} since the first snapshot", suspects, StringComparison.Ordinal);
        string page = File.ReadAllText(html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(field), page, StringComparison.Ordinal);
        s_invoices = null;
    }

    [Fact]
    public void DiffOfAFileWithItselfIsAllZeros()
    {
        string dir = TestPaths.NewTempDirectory("heapdiff-self");
        string a = Path.Combine(dir, "a.heapsnap");
        HeapSnapshotFile.Save(HeapSnapshot.Take(), a);
        var stdout = new StringWriter();
        Assert.Equal(0, HeapmonCli.Run(["heap", "diff", a, a, "--top", "1000000"], stdout, new StringWriter()));
        HeapSnapshotDiff diff = HeapSnapshotDiff.Compare(HeapSnapshotFile.Load(a), HeapSnapshotFile.Load(a));
        Assert.All(diff.Types, t => Assert.True(t.Kind == HeapTypeChangeKind.Both && t.CountDelta == 0 && t.BytesDelta == 0 && t.RetainedDelta == 0, t.TypeName));
        Assert.Empty(diff.Suspects);
        Assert.Contains("Leak suspects: none stands out.", stdout.ToString(), StringComparison.Ordinal);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Add(int from, int count)
    {
        for (int i = from; i < from + count; i++) s_invoices![i] = new Invoice(i);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeGarbage()
    {
        for (int i = 0; i < 50_000; i++) GC.KeepAlive(new Invoice(-i));
    }
}
