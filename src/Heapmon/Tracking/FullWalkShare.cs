using System.Diagnostics;

namespace Heapmon.Tracking;

/// <summary>
/// How often periodic snapshots may walk the whole heap: a full walk (a full blocking GC and a walk of every
/// object) may take at most a twentieth of the time, so a service whose GCs keep moving new instances out of a
/// young walk's reach pays about 5% of a core for full walks, however short the interval. Measured in a leaking
/// ASP.NET Core service: without the limit, nearly every snapshot at 1 Hz was a full walk.
/// </summary>
internal sealed class FullWalkShare
{
    private const int Share = 20;
    private long _ended;
    private long _took;

    /// <summary>Whether a full walk now keeps full walks within their share of the time since the last one ended.</summary>
    public bool Affordable() => _took == 0 || Stopwatch.GetTimestamp() - _ended >= (Share - 1) * _took;

    /// <summary>Records a full walk that started at <paramref name="started"/> and ended now.</summary>
    public void Took(long started)
    {
        _ended = Stopwatch.GetTimestamp();
        _took = _ended - started;
    }
}
