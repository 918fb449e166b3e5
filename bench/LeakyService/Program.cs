using System.Globalization;
using LeakyService;

// Listens on a free loopback port, prints "listening URL", and leaks one SessionRecord per POST /leak.
// `--preload N` leaks N records before listening (the scenario's larger tracked populations without a
// longer load); GET /stats reports the process's own memory figures; POST /quit stops the service.
int preload = args.Length > 1 && args[0] == "--preload" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
for (int i = 0; i < preload; i++) Leak.Add();

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
var app = builder.Build();
app.MapPost("/leak", () => Results.Text(Leak.Page(Leak.Add())));
app.MapGet("/stats", () => Results.Text(Stats.Line()));
app.MapPost("/quit", (IHostApplicationLifetime life) =>
{
    life.StopApplication();
    return Results.Text("bye");
});
await app.StartAsync();
Console.WriteLine("listening " + app.Urls.First());
await app.WaitForShutdownAsync();

namespace LeakyService
{
    /// <summary>What the service forgets to drop.</summary>
    public sealed class SessionRecord(int id)
    {
        public int Id { get; } = id;
        public DateTime Created { get; } = DateTime.UtcNow;
        public byte[] Payload { get; } = new byte[100];
    }

    /// <summary>The leak: every record ever made, in a static list.</summary>
    public static class Leak
    {
        private static readonly List<SessionRecord> s_records = [];

        public static int Add()
        {
            lock (s_records)
            {
                s_records.Add(new SessionRecord(s_records.Count));
                return s_records.Count;
            }
        }

        /// <summary>A page of text about the newest records, built as a service builds a response: some work, some short-lived garbage.</summary>
        public static string Page(int count)
        {
            var page = new System.Text.StringBuilder();
            for (int i = Math.Max(0, count - 256); i < count; i++)
                page.Append(CultureInfo.InvariantCulture, $"record {i} of {count}, made at {DateTime.UtcNow:O}\n");
            return page.ToString();
        }

        public static int Count
        {
            get { lock (s_records) return s_records.Count; }
        }
    }

    /// <summary>The process's memory as the scenario compares it: RSS now and at its peak, GC committed, gen2 GCs.</summary>
    public static class Stats
    {
        public static string Line()
        {
            long peak = 0;
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    peak = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            long rss = Environment.WorkingSet;
            // The GC's committed figure is as of the last GC, and a plain run may have had none lately: a gen0 GC makes it current in every mode.
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            GCMemoryInfo info = GC.GetGCMemoryInfo();
            return string.Create(CultureInfo.InvariantCulture,
                $"rss={rss} peak={peak} committed={info.TotalCommittedBytes} heap={info.HeapSizeBytes} gen2={GC.CollectionCount(2)} records={Leak.Count} server={System.Runtime.GCSettings.IsServerGC}");
        }
    }
}
