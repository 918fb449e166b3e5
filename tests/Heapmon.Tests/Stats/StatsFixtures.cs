using System.Text.Json;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Stats;

/// <summary>
/// Fixed <see cref="TrackerData"/> inputs for the Stats tests: Pympler's Factory example and a
/// large seeded random run with referent trees, deaths, traces and awkward names.
/// </summary>
internal static class StatsFixtures
{
    public static readonly DateTimeOffset Started = new(2026, 11, 21, 6, 0, 0, TimeSpan.FromHours(1));

    private static readonly RunInfo s_run = new("Factory", 4242, "dotnet Factory.dll", "10.0.0", "0.1.0", Started);

    /// <summary>Pympler's example: a tracked Factory and the Employee class, before and after populating it.</summary>
    public static TrackerData Factory()
    {
        DateTimeOffset t0 = Started.AddSeconds(0.5), t1 = Started.AddSeconds(1.25);
        var employee = new TrackedClassRecord("__main__.Employee", 0, false, []);
        var snapshots = new List<Snapshot>
        {
            Snap(0, t0, null, 1_279_262, 344, [new("Factory", 1, 344, 344, 344 / 1_279_262.0), new("__main__.Employee", 0, 0, 0, 0)]),
            Snap(1, t1, null, 1_488_978, 4864 + 200_064, [new("Factory", 1, 4864, 4864, 4864 / 1_488_978.0), new("__main__.Employee", 1000, 200_064, 200, 200_064 / 1_488_978.0)]),
        };
        var factoryTree0 = new ReferentNode("Factory", "Factory", 344, 40, [
            new ReferentNode("name", "System.String", 72, 72, []),
            new ReferentNode("employees", "System.Collections.Generic.List`1[Employee]", 232, 32, [new ReferentNode("_items", "Employee[]", 200, 200, [])]),
        ]);
        var factoryTree1 = new ReferentNode("Factory", "Factory", 4864, 40, [
            new ReferentNode("name", "System.String", 72, 72, []),
            new ReferentNode("employees", "System.Collections.Generic.List`1[Employee]", 4752, 32, [new ReferentNode("_items", "Employee[]", 4720, 4720, [])]),
        ]);
        var objects = new List<TrackedObjectRecord>
        {
            new(1, "Factory", "Assembly Line Unlimited", Started.AddSeconds(0.1), null, 2,
                [new SizeSample(0, 344, 40, factoryTree0), new SizeSample(1, 4864, 40, factoryTree1)]),
        };
        for (int i = 0; i < 1000; i++)
            objects.Add(new TrackedObjectRecord(2 + i, "__main__.Employee", $"Employee {i}", Started.AddSeconds(0.6 + i / 10_000.0), null, 0,
                [new SizeSample(1, i == 0 ? 264 : 200, i == 0 ? 264 : 200)]));
        return new TrackerData(s_run, snapshots, [new TrackedClassRecord("Factory", 2, false, []), employee], objects);
    }

    /// <summary>A seeded random run: <paramref name="objectCount"/> objects over <paramref name="snapshotCount"/> snapshots.</summary>
    public static TrackerData Large(int objectCount = 10_000, int snapshotCount = 20, int seed = 5)
    {
        var random = new Random(seed);
        string[] classes = ["Demo.Node", "Demo.NodeList", "Demo.Employee", "Demo.Cache`1[System.String]", "Other.Nodes.Graph"];
        int[] levels = [2, 1, 0, 1, 2];
        var times = Enumerable.Range(0, snapshotCount).Select(i => Started.AddSeconds(1 + i * 0.5)).ToArray();
        var objects = new List<TrackedObjectRecord>(objectCount);
        for (int id = 1; id <= objectCount; id++)
        {
            int c = random.Next(classes.Length);
            int born = random.Next(snapshotCount);
            int? died = random.Next(10) < 4 ? null : random.Next(born + 1, snapshotCount + 2);
            DateTimeOffset birth = times[born].AddMilliseconds(-random.Next(1, 400));
            if (random.Next(20) == 0) birth = birth.ToOffset(TimeSpan.Zero); // an offset other than the run's
            DateTimeOffset? death = died is { } d ? (d < snapshotCount ? times[d] : times[^1].AddSeconds(1)).AddMilliseconds(-random.Next(1, 400)) : null;
            var samples = new List<SizeSample>();
            long size = 24 + 8 * random.Next(1, 5000);
            for (int s = born; s < (died ?? snapshotCount) && s < snapshotCount; s++)
            {
                if (random.Next(4) == 0) size += 8 * random.Next(-3, 40);
                size = Math.Max(size, 24);
                long flat = Math.Min(size, 24 + 8 * (c + 1));
                if (id % 13 == 0 && random.Next(3) == 0) continue; // a gap: not sampled at this snapshot
                samples.Add(new SizeSample(s, size, flat, levels[c] > 0 ? Tree(random, classes[c], size, flat, levels[c]) : null));
            }
            string name = id % 997 == 0 ? $"Node \"{id}\"\nsecond line ☃" : $"{classes[c]} #{id}";
            IReadOnlyList<string>? trace = c == 2 ? [$"Demo.Program.Populate (Program.cs:{40 + id % 3})", "Demo.Program.Main (Program.cs:12)"] : null;
            objects.Add(new TrackedObjectRecord(id, classes[c], name, birth, death, levels[c], samples, trace));
        }
        var snapshots = new List<Snapshot>();
        for (int s = 0; s < snapshotCount; s++)
        {
            var alive = objects.Where(o => o.Samples.Any(x => x.SnapshotIndex == s)).ToList();
            long tracked = alive.Sum(o => o.SizeAt(s));
            long heap = tracked * 3 + 1_000_000 + s * 4096;
            var summaries = classes.Select(name =>
            {
                var mine = alive.Where(o => o.ClassName == name).ToList();
                long total = mine.Sum(o => o.SizeAt(s));
                return new ClassSummary(name, mine.Count, total, mine.Count == 0 ? 0 : total / mine.Count, total / (double)heap);
            }).ToList();
            snapshots.Add(Snap(s, times[s], s % 3 == 2 ? null : $"step {s}: {(s % 2 == 0 ? "grow" : "shrink")}", heap, tracked, summaries));
        }
        var tracked2 = classes.Select((name, i) => new TrackedClassRecord(name, levels[i], i == 2,
            i == 2 ? [new InstantiationSite(["Demo.Program.Populate (Program.cs:41)", "Demo.Program.Main (Program.cs:12)"], 57, 570.5, 420.25, 721.75)] : [])).ToList();
        return new TrackerData(s_run with { ProcessName = "Large" }, snapshots, tracked2, objects);
    }

    private static ReferentNode Tree(Random random, string type, long size, long flat, int level)
    {
        var children = new List<ReferentNode>();
        long left = size - flat;
        int count = random.Next(0, 4);
        for (int i = 0; i < count && left > 0; i++)
        {
            long part = i == count - 1 ? left : left * random.Next(10, 90) / 100;
            left -= part;
            string childType = i % 2 == 0 ? "System.Object[]" : "System.String";
            children.Add(level > 1
                ? Tree(random, childType, part, Math.Min(part, 32), level - 1) with { Name = i % 2 == 0 ? "_items" : $"[{i}]" }
                : new ReferentNode(i % 2 == 0 ? "_items" : $"[{i}]", childType, part, part, []));
        }
        return new ReferentNode(type[(type.LastIndexOf('.') + 1)..], type, size, flat, children);
    }

    private static Snapshot Snap(int index, DateTimeOffset time, string? description, long heap, long tracked, List<ClassSummary> classes)
        => new(index, time, description, new ProcessMemory(heap * 2, heap * 10),
            new GcFigures(heap, heap + 65536, 1024, [new("gen0", 1024, 0), new("gen1", 2048, 16), new("gen2", heap - 3072, 1008), new("loh", 0, 0), new("poh", 0, 0)],
                [index + 1, index / 2, index / 5], heap * 4),
            tracked, heap, classes);

    /// <summary>The whole model as JSON by the reflection serializer: an oracle for "the same data" independent of the stats format.</summary>
    public static string Canonical(TrackerData data) => JsonSerializer.Serialize(data, s_canonicalOptions);

    private static readonly JsonSerializerOptions s_canonicalOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Renders the summary and the full per-object stats, in the given sort order.</summary>
    public static string Render(TrackerData data, params string[] sort)
    {
        var writer = new StringWriter();
        var stats = new Heapmon.Stats.ConsoleStats(data, writer);
        if (sort.Length > 0) stats.SortStats(sort);
        stats.PrintSummary();
        stats.PrintStats();
        return writer.ToString();
    }
}
