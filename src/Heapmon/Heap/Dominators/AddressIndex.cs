using System.Runtime.CompilerServices;
namespace Heapmon.Heap;

/// <summary>
/// Maps an address to the id of the object starting there: objects are in address order, so a
/// table of the first id in each 4 KiB page of each range narrows the binary search to one page.
/// </summary>
internal sealed class AddressIndex
{
    private const int PageShift = 12;
    private readonly ulong[] _addresses;
    private readonly ulong[] _starts;
    private readonly ulong[] _ends;
    private readonly int[] _pageBase;
    private readonly int[] _pages;
    private int _last;

    /// <param name="addresses">Object addresses, ascending; the first <paramref name="count"/> are used.</param>
    /// <param name="count">Objects.</param>
    /// <param name="ranges">The walked ranges, ascending and disjoint.</param>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public AddressIndex(ulong[] addresses, int count, HeapRange[] ranges)
    {
        _addresses = addresses;
        _starts = new ulong[ranges.Length];
        _ends = new ulong[ranges.Length];
        _pageBase = new int[ranges.Length];
        long pages = 0;
        for (int k = 0; k < ranges.Length; k++)
        {
            _starts[k] = ranges[k].Start;
            _ends[k] = ranges[k].End;
            _pageBase[k] = (int)pages;
            pages += (long)((ranges[k].End - ranges[k].Start) >> PageShift) + 2;
        }
        _pages = new int[pages];
        int id = 0;
        for (int k = 0; k < ranges.Length; k++)
        {
            int pageCount = (int)((_ends[k] - _starts[k]) >> PageShift) + 2;
            while (id < count && addresses[id] < _starts[k]) id++;
            for (int p = 0; p < pageCount; p++)
            {
                ulong pageStart = _starts[k] + ((ulong)p << PageShift);
                while (id < count && addresses[id] < pageStart && addresses[id] < _ends[k]) id++;
                _pages[_pageBase[k] + p] = id;
            }
        }
    }

    /// <summary>The id of the object at <paramref name="address"/>, or -1 when no walked object starts there.</summary>
    public int Find(ulong address)
    {
        int k = _last;
        if (k >= _starts.Length || address < _starts[k] || address >= _ends[k])
        {
            k = RangeOf(address);
            if (k < 0) return -1;
            _last = k;
        }
        int page = _pageBase[k] + (int)((address - _starts[k]) >> PageShift);
        int lo = _pages[page], hi = _pages[page + 1] - 1;
        ulong[] a = _addresses;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            ulong m = a[mid];
            if (m == address) return mid;
            if (m < address) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }

    private int RangeOf(ulong address)
    {
        int lo = 0, hi = _starts.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < _starts[mid]) hi = mid - 1;
            else if (address >= _ends[mid]) lo = mid + 1;
            else return mid;
        }
        return -1;
    }
}
