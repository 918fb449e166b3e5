using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>Pympler's sort_stats keys and a stable multi-key sort over tracked objects.</summary>
internal static class StatsSort
{
    /// <summary>Pympler's criteria, in the order it uses when no key is given.</summary>
    public static readonly IReadOnlyList<string> Keys = ["classname", "tsize", "birth", "death", "name", "repr", "size"];

    /// <summary>Throws the one-line <see cref="ArgumentException"/> for any unknown key, with a suggestion.</summary>
    public static void Validate(IEnumerable<string> keys)
    {
        foreach (string key in keys)
        {
            if (Keys.Contains(key)) continue;
            string? guess = DidYouMean(key);
            string hint = guess is null ? "" : $" (did you mean '{guess}'?)";
            throw new ArgumentException($"unknown sort key '{key}'{hint}; known keys: {string.Join(", ", Keys)}");
        }
    }

    /// <summary>Returns <paramref name="current"/> sorted by <paramref name="keys"/>; ties keep their current order.</summary>
    public static List<TrackedObjectRecord> Sort(TrackerData data, List<TrackedObjectRecord> current, string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        string[] used = keys.Length == 0 ? [.. Keys] : keys;
        Validate(used);

        int largest = LargestSnapshot(data);
        var rows = new Row[current.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            TrackedObjectRecord o = current[i];
            rows[i] = new Row(o, i, MaxSize(o), largest < 0 ? 0 : o.SizeAt(largest));
        }
        Array.Sort(rows, (a, b) =>
        {
            foreach (string key in used)
            {
                int c = Compare(key, a, b);
                if (c != 0) return c;
            }
            return a.Position.CompareTo(b.Position); // stability: Array.Sort itself is not stable
        });
        return [.. rows.Select(r => r.Object)];
    }

    private static int Compare(string key, Row a, Row b) => key switch
    {
        "classname" => string.CompareOrdinal(a.Object.ClassName, b.Object.ClassName),
        // Our Name is what Pympler split into name and repr: the given name, else a description.
        "name" or "repr" => string.CompareOrdinal(a.Object.Name, b.Object.Name),
        "size" => b.MaxSize.CompareTo(a.MaxSize),
        "tsize" => b.TSize.CompareTo(a.TSize),
        "birth" => a.Object.Birth.CompareTo(b.Object.Birth),
        // Objects still alive have no death time: they sort after every dead one.
        "death" => (a.Object.Death, b.Object.Death) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            ({ } x, { } y) => x.CompareTo(y),
        },
        _ => throw new ArgumentException($"unknown sort key '{key}'", nameof(key)),
    };

    /// <summary>The snapshot with the largest tracked total (Pympler's tsize reference), -1 when there are none.</summary>
    private static int LargestSnapshot(TrackerData data)
    {
        int best = -1;
        long max = long.MinValue;
        foreach (Snapshot s in data.Snapshots)
            if (s.TrackedTotal > max) (max, best) = (s.TrackedTotal, s.Index);
        return best;
    }

    private static long MaxSize(TrackedObjectRecord o)
    {
        long max = 0;
        foreach (SizeSample s in o.Samples) max = Math.Max(max, s.Size);
        return max;
    }

    private static string? DidYouMean(string key)
    {
        string? best = null;
        int bestDistance = 3; // beyond two edits a suggestion is more confusing than helpful
        foreach (string known in Keys)
        {
            int d = Spelling.EditDistance(key.ToLowerInvariant(), known);
            if (d < bestDistance) (bestDistance, best) = (d, known);
        }
        return best;
    }


    private readonly record struct Row(TrackedObjectRecord Object, int Position, long MaxSize, long TSize);
}
