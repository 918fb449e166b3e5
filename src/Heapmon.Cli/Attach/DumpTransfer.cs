using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Cli.Attach;

/// <summary>Reads the stats dump an agent sent (the format of <c>heapmon stats</c>) through the library's own loader, which checks it.</summary>
internal static class DumpTransfer
{
    public static TrackerData Load(byte[] dump)
    {
        string path = Path.Combine(Path.GetTempPath(), $"heapmon-{Environment.ProcessId}-{Guid.NewGuid():N}.json.gz");
        try
        {
            File.WriteAllBytes(path, dump);
            return TrackerStats.Load(path).Data;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
