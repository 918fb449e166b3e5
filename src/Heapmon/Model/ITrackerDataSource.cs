namespace Heapmon.Model;

/// <summary>
/// Something whose recordings the renderers and file formats read: a live <c>ClassTracker</c>, so
/// reports never reach into the tracker itself (Pympler: the tracker handed to <c>Stats(tracker=...)</c>).
/// </summary>
public interface ITrackerDataSource
{
    /// <summary>Everything recorded so far, as plain data.</summary>
    TrackerData ToData();
}
