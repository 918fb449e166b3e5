using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Heapmon.Heap;
using Heapmon.Tests.Target;
using Microsoft.Diagnostics.Runtime;

// Child process for the Heap tests: `counts [dump|self]` checks discovery, and the census against
// ClrMD over a dump of this process (or over its live memory); `stress <discoveries> <instances> <seconds>` runs discoveries while four threads allocate and mutate;
// `torture` the same with three threads that also call GC.Collect() (TortureMode); `hardlimit` runs close to a GC hard limit (HardLimitMode).
// Prints `key|values` lines the tests parse; exit code 0 unless something threw.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($"gc|server={GCSettings.IsServerGC}|latency={GCSettings.LatencyMode}");
return args.FirstOrDefault() switch
{
    "counts" => TargetModes.Counts(dumpOracle: args.ElementAtOrDefault(1) == "dump"),
    "stress" => StressMode.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture))),
    "torture" => TortureMode.Run(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture)), args.ElementAtOrDefault(4) ?? ""),
    "badmethodtable" => BadMethodTableMode.Run(),
    "idle" => IdleMode.Run(),
    "hardlimit" => HardLimitMode.Run(int.Parse(args[1], CultureInfo.InvariantCulture)),
    "escalation" => EscalationMode.Run(int.Parse(args[1], CultureInfo.InvariantCulture), args.ElementAtOrDefault(2) ?? ""),
    _ => 64,
};

internal static class TargetModes
{
    public static int Counts(bool dumpOracle)
    {
        var population = new Population();
        GC.Collect();
        foreach (ShapeQuery query in population.Queries)
        {
            FoundInstances found = InstanceFinder.Find(query.Types, query.IncludeSubclasses);
            var kept = new HashSet<object>(population.Kept, ReferenceEqualityComparer.Instance);
            int notKept = found.Instances.Count(o => !kept.Contains(o));
            Console.WriteLine($"query|{query.Name}|{query.Expected}|{found.Instances.Count}|{notKept}|{found.Attempts}");
        }

        // Young scope: only what was made since the last full walk.
        long gen1Before = GC.CollectionCount(1);
        var fresh = new List<Plain>();
        for (int i = 0; i < 500; i++) fresh.Add(new Derived2 { Id = i });
        bool noGen1Gc = GC.CollectionCount(1) == gen1Before;
        FoundInstances young = InstanceFinder.Find([typeof(Derived2)], false, HeapWalkOptions.Young);
        var freshSet = new HashSet<object>(fresh, ReferenceEqualityComparer.Instance);
        Console.WriteLine($"young|{fresh.Count}|{young.Instances.Count}|{young.Instances.Count(o => !freshSet.Contains(o))}|{noGen1Gc}");
        GC.KeepAlive(fresh);

        // The census, and ClrMD over a dump taken while the census's no-GC region still holds.
        Dictionary<string, (long Count, long Bytes)>? dumpTypes = null;
        var dumpGenerations = new long[6, 2];
        // A small no-GC budget keeps the dump small (createdump writes the region's committed memory).
        bool regionHeld = false;
        HeapCensus census = HeapCensus.Take(HeapWalkOptions.Default with { NoGCRegionBytes = 192L << 20 }, _ =>
        {
            int gcs = GC.CollectionCount(0);
            // The oracle: ClrMD over a dump (createdump, seconds and gigabytes) or over our live memory.
            using DataTarget target = dumpOracle ? DataTarget.CreateSnapshotAndAttach(Environment.ProcessId, LocalFilesOnly.Options) : SelfDataReader.CreateDataTarget();
            using ClrRuntime runtime = target.ClrVersions.Single().CreateRuntime();
            dumpTypes = [];
            foreach (ClrSegment segment in runtime.Heap.Segments)
                foreach (ClrObject obj in segment.EnumerateObjects(carefully: true))
                {
                    if (!obj.IsValid || obj.IsFree || obj.Type is null) continue;
                    long size = (long)((obj.Size + 7) & ~7UL);
                    int g = segment.GetGeneration(obj.Address) switch
                    {
                        Generation.Generation0 => 0, Generation.Generation1 => 1, Generation.Generation2 => 2,
                        Generation.Large => 3, Generation.Pinned => 4, Generation.Frozen => 5, _ => -1,
                    };
                    if (g < 0) continue;
                    dumpGenerations[g, 0]++;
                    dumpGenerations[g, 1] += size;
                    string name = obj.Type.Name ?? "?";
                    dumpTypes[name] = dumpTypes.TryGetValue(name, out var t) ? (t.Count + 1, t.Bytes + size) : (1, size);
                }
            regionHeld = GC.CollectionCount(0) == gcs && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
        }, useSnapshot: false);
        Console.WriteLine($"region|{regionHeld}");
        foreach (GenerationStatistics g in census.Generations)
            Console.WriteLine($"generation|{g.Generation}|{g.Count}|{g.Bytes}|{dumpGenerations[(int)g.Generation, 0]}|{dumpGenerations[(int)g.Generation, 1]}");
        foreach (TypeStatistics t in census.Types)
        {
            (long count, long bytes) = dumpTypes!.GetValueOrDefault(t.TypeName);
            Console.WriteLine($"type|{t.TypeName}|{t.Count}|{t.Bytes}|{count}|{bytes}");
        }
        foreach ((string name, (long count, long bytes)) in dumpTypes!)
            if (!census.Types.Any(t => t.TypeName == name))
                Console.WriteLine($"dumponly|{name}|{count}|{bytes}");
        GC.KeepAlive(population);
        return 0;
    }
}
