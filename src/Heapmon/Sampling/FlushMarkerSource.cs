using System.Diagnostics.Tracing;

namespace Heapmon.Sampling;

/// <summary>Our own marker events: a round trip through the session proves everything before it was read.</summary>
[EventSource(Name = SourceName)]
internal sealed class FlushMarkerSource : EventSource
{
    public const string SourceName = "Heapmon-Allocations-Flush";

    public static readonly FlushMarkerSource Log = new();

    private long _next;

    /// <summary>Writes a marker and returns its number (numbers only grow).</summary>
    public long Send()
    {
        long marker = Interlocked.Increment(ref _next);
        Marker(marker);
        return marker;
    }

    [Event(1, Level = EventLevel.Informational)]
    private void Marker(long id) => WriteEvent(1, id);
}
