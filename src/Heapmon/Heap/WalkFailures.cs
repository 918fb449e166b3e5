using System.Globalization;

namespace Heapmon.Heap;

/// <summary>What went wrong in each failed attempt of a heap session, told in one line by <see cref="ToException"/>.</summary>
internal sealed class WalkFailures
{
    private static readonly int s_reasons = Enum.GetValues<HeapWalkFailure>().Length;
    private readonly int[] _counts = new int[s_reasons];
    private HeapWalkFailure _last;
    private string _lastProblem = "";

    /// <summary>Failed attempts so far.</summary>
    public int Count { get; private set; }

    /// <summary>Records one failed attempt: its reason and what the walk saw.</summary>
    public void Add(HeapWalkFailure reason, string problem)
    {
        _counts[(int)reason]++;
        _last = reason;
        _lastProblem = problem;
        Count++;
    }

    /// <summary>
    /// The session's exception: the last reason, every reason counted
    /// ("... in 8 attempts: a GC interrupted the walk 6 times, the heap changed under it 2 times (last: ...)").
    /// </summary>
    public HeapWalkException ToException()
    {
        var parts = new List<string>(3);
        for (int i = 0; i < _counts.Length; i++)
            if (_counts[i] > 0) parts.Add(Describe((HeapWalkFailure)i, _counts[i]));
        string attempts = Count == 1 ? "1 attempt" : Count.ToString(CultureInfo.InvariantCulture) + " attempts";
        return new HeapWalkException(_last, Count,
            $"Could not get a consistent view of the heap in {attempts}: {string.Join(", ", parts)} (last: {_lastProblem}); " +
            "nothing was returned rather than a wrong answer.");
    }

    /// <summary>A refusal that no retry can change (the program's own no-GC region, a young walk out of reach...).</summary>
    public static HeapWalkException Refusal(HeapWalkFailure reason, int attempts, string message, Exception? inner = null)
        => new(reason, attempts, message, inner);

    private static string Describe(HeapWalkFailure reason, int count)
    {
        string times = count == 1 ? "once" : count.ToString(CultureInfo.InvariantCulture) + " times";
        return reason switch
        {
            HeapWalkFailure.GcInterrupted => $"a GC interrupted the walk {times}",
            HeapWalkFailure.HeapChanging => $"the heap changed under the walk {times}",
            HeapWalkFailure.BudgetExhausted => $"the no-GC budget ran out {times}",
            _ => $"{reason} {times}",
        };
    }
}
