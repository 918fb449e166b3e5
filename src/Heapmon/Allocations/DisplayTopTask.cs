namespace Heapmon.Allocations;

/// <summary>A task that takes a temporary snapshot and displays its top (tracemalloc: DisplayTopTask).</summary>
/// <param name="count">Groups shown (tracemalloc: count).</param>
/// <param name="groupBy">How allocations are grouped (tracemalloc: group_by).</param>
/// <param name="cumulative">Count every frame of each traceback (tracemalloc: cumulative).</param>
/// <param name="output">Where the top is written; null for the console (tracemalloc: file).</param>
/// <param name="callback">Called with each new snapshot, e.g. to add metrics (tracemalloc: callback).</param>
public sealed class DisplayTopTask(int count = 10, GroupBy groupBy = GroupBy.Line, bool cumulative = false, TextWriter? output = null, Action<AllocationSnapshot>? callback = null)
    : AllocationTask
{
    /// <summary>Groups shown.</summary>
    public int Count { get; set; } = count;

    /// <summary>How allocations are grouped.</summary>
    public GroupBy GroupBy { get; set; } = groupBy;

    /// <summary>Count every frame of each traceback.</summary>
    public bool Cumulative { get; set; } = cumulative;

    /// <summary>Where the top is written; null for the console.</summary>
    public TextWriter? Output { get; set; } = output;

    /// <summary>Called with each new snapshot.</summary>
    public Action<AllocationSnapshot>? Callback { get; set; } = callback;

    /// <summary>The display settings, kept between calls so each top compares with the previous one (tracemalloc: display_top).</summary>
    public DisplayTop DisplayTop { get; } = new();

    /// <summary>Takes a snapshot and displays its top; returns the snapshot (tracemalloc: DisplayTopTask.display).</summary>
    public AllocationSnapshot Display() => DisplayTop.Display(Count, GroupBy, Cumulative, Output, Callback);

    private protected override void Run() => Display();
}
