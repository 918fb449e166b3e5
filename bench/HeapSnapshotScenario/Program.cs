using System.Globalization;
using Heapmon.Scenarios;

// Heap snapshot targets, measured side by side in one run (ratios against baselines from the same run):
//   dotnet run -c Release --project bench/HeapSnapshotScenario -- [objects ...]      default: 1000000
// For each size: Heapmon's HeapSnapshot.Take() inside a target process (taken on a line from stdin, as
// attaching to another process is not built yet) against dotnet-gcdump collect + report on the same target,
// with the per-type counts of both compared; then a diff of two snapshot files of that target.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.FirstOrDefault() == "target") return TargetMode.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
int[] sizes = args.Length == 0 ? [1_000_000] : [.. args.Select(a => int.Parse(a, CultureInfo.InvariantCulture))];
foreach (int size in sizes) Driver.Measure(size);
return 0;
