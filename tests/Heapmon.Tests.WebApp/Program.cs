using WebApp;

// Listens on a free loopback port, prints "listening URL", and leaks one SessionRecord per POST /leak,
// counting them itself (GET /count): the counter the test compares Heapmon's count with.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
var app = builder.Build();
app.MapPost("/leak", () => Results.Text(Leak.Add().ToString(System.Globalization.CultureInfo.InvariantCulture)));
app.MapGet("/count", () => Results.Text(Leak.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
await app.StartAsync();
Console.WriteLine("listening " + app.Urls.First());
await app.WaitForShutdownAsync();

namespace WebApp
{
    /// <summary>What the service forgets to drop.</summary>
    public sealed class SessionRecord(int id)
    {
        public int Id { get; } = id;
        public DateTime Created { get; } = DateTime.UtcNow;
        public byte[] Payload { get; } = new byte[100];
    }

    /// <summary>The leak: every record ever made, in a static list, and the service's own count of them.</summary>
    public static class Leak
    {
        private static readonly List<SessionRecord> s_records = [];

        public static int Count
        {
            get { lock (s_records) return s_records.Count; }
        }

        public static int Add()
        {
            lock (s_records)
            {
                s_records.Add(new SessionRecord(s_records.Count));
                return s_records.Count;
            }
        }
    }
}
