using System.Globalization;
using System.Runtime;
using Attachee;

// `hold COUNT EXITCODE`: keeps COUNT ledger entries alive in a static field and prints a line a second
// until a line "quit" arrives on stdin, then exits with EXITCODE. `churn COUNT`: the same, while a
// thread keeps allocating short-lived garbage. `stack COUNT EXITCODE`: no ledger entries; instead a waiting
// thread holds COUNT stack parcels in a local variable only (no static, no handle). Knows nothing of Heapmon.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int count = int.Parse(args.ElementAtOrDefault(1) ?? "1000", CultureInfo.InvariantCulture);
int exitCode = int.Parse(args.ElementAtOrDefault(2) ?? "0", CultureInfo.InvariantCulture);
bool onStack = args.FirstOrDefault() == "stack";
Ledger.Open(onStack ? 0 : count);
if (args.FirstOrDefault() == "churn") Ledger.StartChurn();
var quit = new ManualResetEventSlim();
if (onStack) StackHolder.Start(count, quit);
new Thread(() =>
{
    while (Console.ReadLine() is { } line)
        if (line.Trim() == "quit") break;
    quit.Set();
}) { IsBackground = true }.Start();
Console.WriteLine($"ready {Environment.ProcessId} entries={Ledger.Count}");
for (int tick = 1; !quit.Wait(1000); tick++)
    Console.WriteLine($"tick {tick} entries={Ledger.Count} latency={GCSettings.LatencyMode}");
Console.WriteLine($"bye entries={Ledger.Count}");
return exitCode;

namespace Attachee
{
    /// <summary>The entries a service keeps: the class the tests count.</summary>
    public sealed class LedgerEntry(int id, string account)
    {
        public int Id { get; } = id;
        public string Account { get; } = account;
        public long[] Amounts { get; } = new long[4];
    }

    /// <summary>An object the tests find only on a thread's stack.</summary>
    public sealed class StackParcel(int id)
    {
        public int Id { get; } = id;
        public long Weight { get; set; } = id * 3L;
    }

    /// <summary>Holds parcels in a local variable of a waiting thread: a stack root, and nothing else.</summary>
    public static class StackHolder
    {
        public static void Start(int count, ManualResetEventSlim quit)
        {
            var filled = new ManualResetEventSlim();
            new Thread(() => Hold(count, filled, quit)) { IsBackground = true, Name = "stack-holder" }.Start();
            filled.Wait();
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void Hold(int count, ManualResetEventSlim filled, ManualResetEventSlim quit)
        {
            var parcels = new StackParcel[count];
            for (int i = 0; i < count; i++) parcels[i] = new StackParcel(i);
            filled.Set();
            quit.Wait();
            GC.KeepAlive(parcels);   // live across the wait: the GC (and a dump) see it in this frame
        }
    }

    /// <summary>Holds the entries in a static field, where a leak usually is.</summary>
    public static class Ledger
    {
        private static readonly List<LedgerEntry> s_entries = [];
        private static volatile object? s_garbage;

        public static int Count
        {
            get { lock (s_entries) return s_entries.Count; }
        }

        public static void Open(int count)
        {
            lock (s_entries)
                for (int i = 0; i < count; i++) s_entries.Add(new LedgerEntry(i, "account-" + (i % 97).ToString(CultureInfo.InvariantCulture)));
        }

        public static void StartChurn() => new Thread(() =>
        {
            while (true)
            {
                for (int i = 0; i < 10_000; i++) s_garbage = new byte[64];
                Thread.Sleep(1);
            }
        }) { IsBackground = true }.Start();
    }
}
