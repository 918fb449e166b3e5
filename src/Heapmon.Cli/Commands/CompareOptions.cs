using System.CommandLine;
using Heapmon.Model;
using Heapmon.Stats;

namespace Heapmon.Cli.Commands;

/// <summary>
/// <c>--compare BEFORE AFTER [--label L]</c>, shared by <c>heapmon stats</c> and <c>heapmon html</c>: two stats
/// files (two runs, or one run given twice) compared at their last snapshots or at a label (Pympler's SCons tutorial).
/// </summary>
internal static class CompareOptions
{
    /// <summary><c>--compare BEFORE AFTER</c>: exactly two stats files.</summary>
    public static Option<string[]> Files() => new("--compare")
    {
        Description = "Compare two stats files (two runs; or one run given twice, with two labels): per class active, total and average before, after and Δ.",
        HelpName = "FILE",
        Arity = new ArgumentArity(2, 2),
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary><c>--label L</c>, once (the snapshot so labelled in both files) or twice (one for each file).</summary>
    public static Option<string[]> Label() => new("--label")
    {
        Description = "With --compare: the snapshot labelled L in both files (default: each file's last); given twice, the first for BEFORE and the second for AFTER.",
        HelpName = "L",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Loads both files, compares them and hands the comparison to <paramref name="render"/> with the two file names.</summary>
    public static void Run(string[] files, string[]? labels, Action<TrackerComparison, string, string> render)
    {
        labels ??= [];
        if (labels.Length > 2) throw new CliUsageException($"--label is given {labels.Length} times; give it once (a label in both files) or twice (one for each)");
        TrackerData before = TrackerStats.Load(files[0]).Data;
        TrackerData after = TrackerStats.Load(files[1]).Data;
        string? beforeLabel = labels.FirstOrDefault(), afterLabel = labels.Length == 2 ? labels[1] : beforeLabel;
        // Checked side by side first, so that a missing label names the file the user gave.
        TrackerComparison.Pick(before, beforeLabel, files[0]);
        TrackerComparison.Pick(after, afterLabel, files[1]);
        TrackerComparison comparison = TrackerComparison.Compare(before, after, beforeLabel, afterLabel);
        render(comparison, Path.GetFileName(files[0]), Path.GetFileName(files[1]));
    }
}
