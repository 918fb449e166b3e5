namespace Heapmon.Stats;

/// <summary>Limits and labels for an <see cref="HtmlStats"/> report; fixed once the report is made.</summary>
public sealed record HtmlStatsOptions
{
    /// <summary>The defaults: sections for the 10 largest classes, 20 largest instances per class, 100 referent trees of 2,000 nodes each.</summary>
    public static HtmlStatsOptions Default { get; } = new();

    /// <summary>Report title; by default "Heapmon report: " and the process name.</summary>
    public string? Title { get; init; }

    /// <summary>How many of a class's largest instances its section lists.</summary>
    public int LargestInstances { get; init; } = 20;

    /// <summary>How many tracked objects with a resolution level get a referent-tree section (the largest first).</summary>
    public int MaxReferentTrees { get; init; } = 100;

    /// <summary>Most rows of one referent tree; deeper, smaller referents beyond it are summarised in one line.</summary>
    public int MaxTreeNodes { get; init; } = 2000;

    /// <summary>
    /// How many classes, the largest by peak total, get a section, an area of the time–space chart and rows
    /// in the summary table; the others are added up as "other classes" there, and every class is in the
    /// searchable class list.
    /// </summary>
    public int MaxClassSections { get; init; } = 10;

    internal void Validate()
    {
        if (LargestInstances < 0) throw new ArgumentOutOfRangeException(nameof(LargestInstances), LargestInstances, "must be 0 or more");
        if (MaxReferentTrees < 0) throw new ArgumentOutOfRangeException(nameof(MaxReferentTrees), MaxReferentTrees, "must be 0 or more");
        if (MaxTreeNodes < 1) throw new ArgumentOutOfRangeException(nameof(MaxTreeNodes), MaxTreeNodes, "must be 1 or more");
        if (MaxClassSections < 0) throw new ArgumentOutOfRangeException(nameof(MaxClassSections), MaxClassSections, "must be 0 or more");
    }
}
