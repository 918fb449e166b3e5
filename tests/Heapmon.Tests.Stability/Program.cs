using System.Globalization;
using System.Runtime;
using Heapmon.Tests.Stability;

// `loops <passing> <leaking>`: runs each passing assertion <passing> times and each leaking one <leaking> times,
// then prints one `check|name|runs|failures|first failure` line per assertion and `gc|server=...` for the configuration.
// A passing assertion must never fail, a leaking one must fail every time. Exit code 0 unless something else threw.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($"gc|server={GCSettings.IsServerGC}|tiered={Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? "default"}");
if (args is not ["loops", var passing, var leaking]) return 64;
foreach (Check check in Checks.Passing) check.Run(int.Parse(passing, CultureInfo.InvariantCulture));
foreach (Check check in Checks.Leaking) check.Run(int.Parse(leaking, CultureInfo.InvariantCulture));
return 0;
