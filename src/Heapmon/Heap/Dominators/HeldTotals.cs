using Heapmon.Model;

namespace Heapmon.Heap;

/// <summary>What one retainer holds, per type: dense arrays indexed by type and the list of types touched, so adding an object costs three array writes.</summary>
internal sealed class HeldTotals(int types)
{
    private readonly long[] _count = new long[types];
    private readonly long[] _bytes = new long[types];
    private readonly long[] _retained = new long[types];
    private readonly List<int> _touched = [];

    public void Add(int type, long bytes, long retained)
    {
        if (_count[type]++ == 0) _touched.Add(type);
        _bytes[type] += bytes;
        _retained[type] += retained;
    }

    /// <summary>Adds a nested retainer's totals: what it holds, the retainer around it holds too.</summary>
    public void AddAll(HeldTotals inner)
    {
        foreach (int t in inner._touched)
        {
            if (_count[t] == 0) _touched.Add(t);
            _count[t] += inner._count[t];
            _bytes[t] += inner._bytes[t];
            _retained[t] += inner._retained[t];
        }
    }

    /// <summary>Empties the totals for reuse by the next retainer (touching only the types used).</summary>
    public void Clear()
    {
        foreach (int t in _touched) _count[t] = _bytes[t] = _retained[t] = 0;
        _touched.Clear();
    }

    public List<HeapTypeSummary> Rows(string[] names) => [.. _touched.Select(t => new HeapTypeSummary(names[t], _count[t], _bytes[t], _retained[t]))];
}
