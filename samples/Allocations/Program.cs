using Heapmon.Allocations;

namespace AllocationsSample;

/// <summary>tracemalloc's documented examples in C#, plus the workloads the tests measure against known truth.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "top";
        switch (mode)
        {
            case "top":
                // Seed, "Display top 25": enable as early as possible, run the application, display the top lines.
                AllocationTracer.Start();
                Workload.Run(scale: args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1);
                new DisplayTop().Display(10);
                AllocationTracer.Stop();
                return 0;
            case "types":
                // The grouping .NET users want most: by allocated type.
                AllocationTracer.Start();
                Workload.Run(scale: 1);
                new DisplayTop { Metrics = false }.Display(5, GroupBy.Type);
                AllocationTracer.Stop();
                return 0;
            case "snapshot" when args.Length > 1:
                // Seed, "Take a snapshot": with traces, written to a file for `heapmon alloc`.
                AllocationTracer.Start(tracebackLimit: 5);
                Workload.Run(scale: 1);
                AllocationSnapshot.Take(traces: true).Write(args[1]);
                AllocationTracer.Stop();
                return 0;
            case "accuracy" when args.Length > 2:
                Accuracy.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            case "leak" when args.Length > 1:
                Leak.Run(args[1]);
                return 0;
            case "two-sites":
                TwoSites.Run();
                return 0;
            case "loop" when args.Length > 1:
                Loop.Run(args);
                return 0;
            default:
                Console.Error.WriteLine("usage: Allocations [top [scale] | types | snapshot FILE | accuracy DIR ROUNDS | leak DIR | two-sites | loop ROUNDS [--tracer] [--wait FILE]]");
                return 2;
        }
    }
}
