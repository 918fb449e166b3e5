using Heapmon.Heap;

namespace Heapmon.Testing;

/// <summary>
/// The heap's instance counts at one moment (after a full collect): instances made after it and
/// still alive are its survivors (dotMemory Unit: a memory checkpoint). Nothing runs between the
/// checkpoint and the check, so the code under test runs at full speed.
/// </summary>
/// <remarks>
/// Survivors are counted per type: instances alive at the check beyond those alive at the checkpoint.
/// When the type already had instances at the checkpoint, the paths shown may be those of older ones.
/// </remarks>
public sealed class HeapCheckpoint : IDisposable
{
    private Dictionary<string, long>? _counts;

    private HeapCheckpoint(Dictionary<string, long> counts) => _counts = counts;

    internal static HeapCheckpoint Take()
    {
        Settle.CollectAndFinalize(); // the census's own full GC collects again
        return new HeapCheckpoint(TypeCounts.ByName(HeapCensus.Take()).ToDictionary(e => e.Key, e => e.Value.Count, StringComparer.Ordinal));
    }

    /// <summary>Fails when any instance of <typeparamref name="T"/> (or a subclass) made since the checkpoint is alive.</summary>
    /// <exception cref="HeapAssertionException">Survivors are alive; the message gives the retention path of the first few.</exception>
    /// <exception cref="ObjectDisposedException">The checkpoint was disposed.</exception>
    public void NoSurvivors<T>() => SurvivorsAtMost<T>(0);

    /// <summary>Fails when more than <paramref name="atMost"/> instances of <typeparamref name="T"/> (or subclasses) made since the checkpoint are alive.</summary>
    /// <exception cref="HeapAssertionException">Too many survivors; the message gives the retention path of the first few.</exception>
    /// <exception cref="ObjectDisposedException">The checkpoint was disposed.</exception>
    public void SurvivorsAtMost<T>(int atMost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(atMost);
        Dictionary<string, long> before = _counts ?? throw new ObjectDisposedException(nameof(HeapCheckpoint));
        IReadOnlyList<object>? alive = SurvivorReport.FindUnless(typeof(T), found => Survivors(before, found).Count <= atMost);
        if (alive is null) return;
        List<object> survivors = Survivors(before, alive, out long earlier);
        if (survivors.Count <= atMost) return;
        string name = TypeNames.Display(typeof(T));
        string expected = atMost == 0 ? "expected none" : $"expected at most {atMost}";
        string older = earlier == 0 ? "" : $"; {SurvivorReport.Instances(earlier)} alive at the checkpoint not counted";
        throw new HeapAssertionException(SurvivorReport.Failure(
            $"{SurvivorReport.Instances(survivors.Count)} of {name} made since the checkpoint survived ({expected}{older})", survivors));
    }

    /// <summary>The instances beyond the checkpoint's count of their type; which ones are new cannot be told, so the rest of the list stands for them.</summary>
    private static List<object> Survivors(Dictionary<string, long> before, IReadOnlyList<object> alive) => Survivors(before, alive, out _);

    private static List<object> Survivors(Dictionary<string, long> before, IReadOnlyList<object> alive, out long earlier)
    {
        var survivors = new List<object>();
        earlier = 0;
        foreach (IGrouping<Type, object> group in alive.GroupBy(o => o.GetType()))
        {
            long then = before.GetValueOrDefault(TypeNames.Display(group.Key));
            earlier += Math.Min(then, group.Count());
            survivors.AddRange(group.Skip((int)Math.Min(then, int.MaxValue)));
        }
        return survivors;
    }

    /// <summary>Drops the checkpoint's counts; checks after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _counts = null;
}
