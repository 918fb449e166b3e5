using BenchmarkDotNet.Running;

// `attach-census`: heapmon census --pid against dotnet-gcdump, process against process (not BenchmarkDotNet).
if (args.FirstOrDefault() == "attach-census") return Heapmon.Benchmarks.AttachCensusBenchmark.Run(args[1..]);
// `alloc-overhead`: allocation sampling against plain and dotnet-trace, process against process.
if (args.FirstOrDefault() == "alloc-overhead") return Heapmon.Benchmarks.AllocOverheadScenario.Run(args[1..]);

// Every benchmark class in this assembly; pick with --filter, e.g. --filter '*Sizing*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
