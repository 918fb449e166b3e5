using Heapmon.Allocations;

namespace AllocationsSample;

/// <summary>The tracemalloc seed's examples in C#, plus the workloads the tests measure against known truth.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "top";
        switch (mode)
        {
            case "top":
                // Seed: "Display top 25" — enable, run the application, display the top lines.
                AllocationTracer.Start();
                Workload.Run(scale: 1);
                new DisplayTop().Display(10);
                AllocationTracer.Stop();
                return 0;
            case "smoke":
                AllocationTracer.Start(tracebackLimit: 3);
                Workload.Run(scale: 1);
                var snap = AllocationSnapshot.Take(traces: true);
                Console.WriteLine($"samples={snap.SampleCount}");
                new DisplayTop().DisplaySnapshot(snap, 10, GroupBy.Line, output: Console.Out);
                new DisplayTop().DisplaySnapshot(snap, 10, GroupBy.Type, output: Console.Out);
                AllocationTracer.Stop();
                return 0;
            default:
                Console.Error.WriteLine($"unknown mode '{mode}'");
                return 2;
        }
    }
}
