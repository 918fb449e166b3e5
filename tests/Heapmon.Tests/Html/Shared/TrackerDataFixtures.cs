using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Html;

/// <summary>
/// Tracker data built by hand, shaped like real runs: Pympler's Factory example, names that try to inject
/// markup, and the scale cases (100 snapshots × 1,000 objects; 1,000 classes). Deterministic: fixed clock, no randomness.
/// </summary>
internal static class TrackerDataFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);

    private const long EmployeeSize = 200, FactoryFlat = 32, ListFlat = 32;

    /// <summary>
    /// Pympler's example: a Factory tracked with resolution level 2, Employee tracked as a class with traces;
    /// snapshot 0 before populate_factory, then 1,000 employees, then 500 of them fired.
    /// </summary>
    public static TrackerData Factory()
    {
        DateTimeOffset[] times = [Start.AddSeconds(0.20), Start.AddSeconds(1.45), Start.AddSeconds(2.10)];
        int[] employees = [0, 1000, 500];
        string[] labels = ["before populate", "after populate", "after layoffs"];
        var objects = new List<TrackedObjectRecord>();

        var factorySamples = new List<SizeSample>();
        for (int s = 0; s < 3; s++)
        {
            int n = employees[s];
            long arrayLength = n == 0 ? 0 : n <= 1024 ? 1024 : n;
            long array = 24 + 8 * arrayLength;
            long name = 22 + 2 * "Assembly Line Unlimited".Length + 2; // 70 → aligned 72
            name = (name + 7) / 8 * 8;
            var items = new ReferentNode("_items", "Employee[]", array, array, []);
            var list = new ReferentNode("employees", "System.Collections.Generic.List<Employee>", ListFlat + array, ListFlat, [items]);
            var nameNode = new ReferentNode("name", "System.String", name, name, []);
            long size = FactoryFlat + list.Size + nameNode.Size;
            var root = new ReferentNode("factory", "Factory", size, FactoryFlat, [list, nameNode]);
            factorySamples.Add(new SizeSample(s, size, FactoryFlat, root));
        }
        objects.Add(new TrackedObjectRecord(1, "Factory", "factory", Start.AddSeconds(0.1), null, 2, factorySamples));

        string[] trace = ["Program.PopulateFactory(Factory) (Program.cs:31)", "Program.Main(String[]) (Program.cs:12)"];
        for (int i = 0; i < 1000; i++)
        {
            bool fired = i >= 500;
            // A few employees carry a longer "assigned" string, so the size distribution has more than one bucket.
            long size = EmployeeSize + (i % 100 == 0 ? 400 : 0);
            var samples = new List<SizeSample> { new(1, size, 24) };
            if (!fired) samples.Add(new SizeSample(2, size, 24));
            objects.Add(new TrackedObjectRecord(2 + i, "Employee", $"Employee #{i}", Start.AddSeconds(0.5 + i * 0.0005),
                fired ? Start.AddSeconds(1.9) : null, 0, samples, trace));
        }

        var snapshots = new List<Snapshot>();
        for (int s = 0; s < 3; s++)
        {
            long factory = factorySamples[s].Size;
            long staff = objects.Skip(1).Sum(o => o.Samples.Where(x => x.SnapshotIndex == s).Sum(x => x.Size));
            int active = objects.Skip(1).Count(o => o.Samples.Any(x => x.SnapshotIndex == s));
            long heap = 1_300_000 + 2 * staff + 180_000 * s;
            snapshots.Add(new Snapshot(s, times[s], labels[s],
                new ProcessMemory(38_000_000 + 900_000L * s, 2_600_000_000),
                Gc(heap, s),
                factory + staff, null,
                [
                    new ClassSummary("Factory", 1, factory, factory, (double)factory / heap),
                    new ClassSummary("Employee", active, staff, active == 0 ? 0 : staff / active, (double)staff / heap),
                ]));
        }
        var classes = new List<TrackedClassRecord>
        {
            new("Employee", 0, true, [new InstantiationSite(trace, 19, 1003.4, 640.2, 1571.9)]),
        };
        return new TrackerData(Run("Factory"), snapshots, classes, objects);
    }

    /// <summary>Names that would inject markup or script if any reached the page unencoded.</summary>
    public static readonly string[] HostileNames =
    [
        "<script>alert(1)</script>",
        "</script><script>alert(2)</script>",
        "<img src=x onerror=alert(3)>",
        "\"><svg onload=alert(4)>",
        "'; alert(5); '",
        "Heapmon.Demo.Program+<>c__DisplayClass0_0",
        "System.Collections.Generic.Dictionary<string, System.Collections.Generic.List<int>>",
        "Tom & Jerry \"quoted\" 'single' <b>bold</b>",
    ];

    /// <summary>Every string field carries a hostile name: classes, objects, labels, referents, frames, the run itself.</summary>
    public static TrackerData Hostile()
    {
        var objects = new List<TrackedObjectRecord>();
        var summaries = new List<List<ClassSummary>> { new(), new() };
        long id = 1;
        for (int c = 0; c < HostileNames.Length; c++)
        {
            string cls = HostileNames[c];
            var child = new ReferentNode(HostileNames[(c + 1) % HostileNames.Length], HostileNames[(c + 2) % HostileNames.Length], 48, 48, []);
            var tree = new ReferentNode(cls, cls, 120, 72, [child]);
            objects.Add(new TrackedObjectRecord(id++, cls, HostileNames[(c + 3) % HostileNames.Length], Start.AddSeconds(0.1), null, 1,
                [new SizeSample(0, 100 + c, 72, tree), new SizeSample(1, 120 + c, 72, tree)], [cls, HostileNames[(c + 4) % HostileNames.Length]]));
            summaries[0].Add(new ClassSummary(cls, 1, 100 + c, 100 + c, 0.001));
            summaries[1].Add(new ClassSummary(cls, 1, 120 + c, 120 + c, 0.001));
        }
        var snapshots = new List<Snapshot>
        {
            new(0, Start.AddSeconds(1), HostileNames[0], new ProcessMemory(30_000_000, 2_000_000_000), Gc(1_000_000, 0), summaries[0].Sum(s => s.Total), null, summaries[0]),
            new(1, Start.AddSeconds(2), HostileNames[2], new ProcessMemory(31_000_000, 2_000_000_000), Gc(1_100_000, 1), summaries[1].Sum(s => s.Total), null, summaries[1]),
        };
        var classes = HostileNames.Select(n => new TrackedClassRecord(n, 1, true, [new InstantiationSite([n, "<>c.<Main>b__0_0()"], 3, 12.5, 4, 30)])).ToList();
        var run = new RunInfo(HostileNames[0], 4242, "dotnet app.dll " + HostileNames[3], HostileNames[1], "0.1.0 <script>alert(6)</script>", Start);
        return new TrackerData(run, snapshots, classes, objects);
    }

    /// <summary>
    /// <paramref name="snapshotCount"/> snapshots of <paramref name="objectCount"/> tracked objects in five classes,
    /// each sampled at every snapshot from its birth; one object in twenty has a two-level referent tree.
    /// </summary>
    public static TrackerData Scale(int snapshotCount = 100, int objectCount = 1000)
    {
        string[] classNames =
        [
            "MyApp.Model.Node", "MyApp.Model.Edge", "System.Collections.Generic.Dictionary<string, System.Collections.Generic.List<int>>",
            "MyApp.Cache+<>c__DisplayClass4_0", "MyApp.Model.Document",
        ];
        var objects = new List<TrackedObjectRecord>(objectCount);
        for (int i = 0; i < objectCount; i++)
        {
            string cls = classNames[i % classNames.Length];
            int born = i * snapshotCount / (2 * objectCount); // born during the first half of the run
            int resolution = i % 20 == 0 ? 2 : 0;
            var samples = new List<SizeSample>(snapshotCount - born);
            for (int s = born; s < snapshotCount; s++)
            {
                long size = 64 + 8 * (i % 37) + 16 * (s - born) + (i % 5 == 4 ? 4096 : 0);
                ReferentNode? tree = null;
                if (resolution > 0)
                {
                    var items = new ReferentNode("[0]", "System.Byte[]", size / 4, size / 4, []);
                    var list = new ReferentNode("_children", "System.Collections.Generic.List<MyApp.Model.Node>", size / 2, 32, [items]);
                    var name = new ReferentNode("_name", "System.String", size / 4, size / 4, []);
                    tree = new ReferentNode(cls, cls, size, size / 4, [list, name]);
                }
                samples.Add(new SizeSample(s, size, 24, tree));
            }
            objects.Add(new TrackedObjectRecord(i + 1, cls, $"{cls.Split('.')[^1]} #{i}", Start.AddSeconds(born * 0.1), null, resolution, samples));
        }
        var snapshots = new List<Snapshot>(snapshotCount);
        for (int s = 0; s < snapshotCount; s++)
        {
            var lines = new List<ClassSummary>();
            long tracked = 0;
            long heap = 20_000_000 + 150_000L * s;
            foreach (string cls in classNames)
            {
                long total = 0;
                int active = 0;
                foreach (TrackedObjectRecord o in objects)
                    if (o.ClassName == cls && o.Samples.Count > 0 && o.Samples[0].SnapshotIndex <= s)
                    {
                        total += o.Samples[s - o.Samples[0].SnapshotIndex].Size;
                        active++;
                    }
                tracked += total;
                lines.Add(new ClassSummary(cls, active, total, active == 0 ? 0 : total / active, (double)total / heap));
            }
            snapshots.Add(new Snapshot(s, Start.AddSeconds(s * 0.1 + 0.05), $"tick {s}", new ProcessMemory(80_000_000 + 200_000L * s, 3_000_000_000), Gc(heap, s), tracked, null, lines));
        }
        return new TrackerData(Run("ScaleApp"), snapshots, [new TrackedClassRecord(classNames[0], 2, false, [])], objects);
    }

    /// <summary>
    /// A wildcard's worth of classes (a tracker of <c>MyApp.*</c>): <paramref name="classCount"/> classes over
    /// <paramref name="snapshotCount"/> snapshots, summaries only. A third never has an instance; the others
    /// grow at different rates, class 1 the most, so the largest by peak total are the lowest numbers not divisible by 3.
    /// </summary>
    public static TrackerData Wide(int classCount = 1000, int snapshotCount = 100)
    {
        string Name(int i) => $"MyApp.Module{i % 17}.Type{i}";
        var snapshots = new List<Snapshot>(snapshotCount);
        for (int s = 0; s < snapshotCount; s++)
        {
            var lines = new List<ClassSummary>(classCount);
            long tracked = 0;
            long heap = 200_000_000 + 1_000_000L * s;
            for (int i = 0; i < classCount; i++)
            {
                int active = i % 3 == 0 ? 0 : (s + 1) * (1 + 5000 / (i + 1));
                long total = active * (32L + 8 * (i % 5));
                tracked += total;
                lines.Add(new ClassSummary(Name(i), active, total, active == 0 ? 0 : total / active, (double)total / heap));
            }
            snapshots.Add(new Snapshot(s, Start.AddSeconds(s * 0.5), $"tick {s}", new ProcessMemory(400_000_000 + 2_000_000L * s, 3_000_000_000), Gc(heap, s), tracked, null, lines));
        }
        return new TrackerData(Run("WideApp"), snapshots, [.. Enumerable.Range(0, classCount).Select(i => new TrackedClassRecord(Name(i), 0, false, []))], []);
    }

    private static RunInfo Run(string process) =>
        new(process, 4242, $"dotnet {process}.dll", ".NET 10.0.0", "0.1.0", Start);

    private static GcFigures Gc(long heap, int s) => new(
        heap, heap + 4_000_000, 120_000 + 1000L * s,
        [
            new GenerationFigures("gen0", heap / 10, 10_000),
            new GenerationFigures("gen1", heap / 10, 5_000),
            new GenerationFigures("gen2", heap / 2, 100_000),
            new GenerationFigures("LOH", heap / 4, 0),
            new GenerationFigures("POH", heap / 20, 0),
        ],
        [3 + s * 2, 1 + s, s / 2], 5_000_000 + 3_000_000L * s);
}
