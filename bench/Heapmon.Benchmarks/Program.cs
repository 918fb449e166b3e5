using BenchmarkDotNet.Running;

// `attach-census`: heapmon census --pid against dotnet-gcdump, process against process (not BenchmarkDotNet).
if (args.FirstOrDefault() == "attach-census") return Heapmon.Benchmarks.AttachCensusBenchmark.Run(args[1..]);
// `metrics-overhead`: what publishing to the Heapmon meter adds to a snapshot of 1,000 classes; `monitor-cost`: heapmon monitor against heapmon track in the watched program.
if (args.FirstOrDefault() == "metrics-overhead") return Heapmon.Benchmarks.MetricsOverheadBenchmark.Run(args[1..]);
if (args.FirstOrDefault() == "monitor-cost") return Heapmon.Benchmarks.MonitorCostBenchmark.Run(args[1..]);
// `alloc-overhead`: allocation sampling against plain and dotnet-trace, process against process.
if (args.FirstOrDefault() == "alloc-overhead") return Heapmon.Benchmarks.AllocOverheadScenario.Run(args[1..]);
// `service-overhead`: periodic snapshots of a leaking ASP.NET Core service under a bounded loopback load, against plain.
if (args.FirstOrDefault() == "service-overhead") return Heapmon.Benchmarks.ServiceScenario.Run(args[1..]);

// `no-survivors`: Heapmon.Testing's checkpoint.NoSurvivors<T>() on a 1M-object heap against a bare full GC.
if (args.FirstOrDefault() == "no-survivors") return Heapmon.Benchmarks.NoSurvivorsBenchmark.Run(args[1..]);

// Every benchmark class in this assembly; pick with --filter, e.g. --filter '*Sizing*'.
// Each benchmark builds its own copy of the solution: on a busy 2-core machine that takes longer than BenchmarkDotNet's 2 minutes.
BenchmarkSwitcher.FromAssembly(typeof(Heapmon.Benchmarks.AttachCensusBenchmark).Assembly)
    .Run(args, BenchmarkDotNet.Configs.ManualConfig.Create(BenchmarkDotNet.Configs.DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15)));
return 0;
