using System.Globalization;
using Heapmon.Model;

namespace Heapmon.Allocations;

/// <summary>Prints single samples with their tracebacks, as tracemalloc's recipes print a traceback (tracemalloc: Traceback.format).</summary>
public static class TracebackWriter
{
    /// <summary>Writes the sample at <paramref name="address"/>: size, type and traceback, or that there is none (tracemalloc: get_object_traceback).</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="snapshot">A snapshot taken with traces.</param>
    /// <param name="address">The sampled object's address.</param>
    /// <param name="filenameParts">Trailing path parts of each file name to show (0: the whole path).</param>
    public static void WriteBlock(TextWriter output, AllocationSnapshot snapshot, long address, int filenameParts)
    {
        AllocationTrace? trace = snapshot.GetTrace(address);
        string label = string.Create(CultureInfo.InvariantCulture, $"Memory block 0x{address:x}");
        if (trace is null)
        {
            output.WriteLine($"{label}: not found (no sample at this address)");
            return;
        }
        output.WriteLine($"{label}: size={ByteUnits.Compact(trace.Size)}, type={trace.TypeName}");
        WriteTraceback(output, trace, filenameParts);
    }

    /// <summary>Writes the <paramref name="count"/> biggest samples, each with its traceback (tracemalloc: statistics('traceback')).</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="snapshot">A snapshot taken with traces.</param>
    /// <param name="count">How many samples to show.</param>
    /// <param name="filenameParts">Trailing path parts of each file name to show (0: the whole path).</param>
    /// <exception cref="InvalidOperationException">The snapshot was taken without traces.</exception>
    public static void WriteTracebacks(TextWriter output, AllocationSnapshot snapshot, int count, int filenameParts)
    {
        IReadOnlyList<AllocationTrace> traces = snapshot.Traces ?? throw new InvalidOperationException("This snapshot has no traces.");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{TopWriter.Stamp(snapshot.Timestamp)}: Top {count} allocations per address, with tracebacks"));
        var biggest = traces.OrderByDescending(t => t.Size).ThenBy(t => t.Address).Take(count).ToList();
        for (int i = 0; i < biggest.Count; i++)
        {
            AllocationTrace trace = biggest[i];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{i + 1}: memory block 0x{trace.Address:x}: size={ByteUnits.Compact(trace.Size)} ({trace.TypeName})"));
            WriteTraceback(output, trace, filenameParts);
        }
        if (traces.Count > biggest.Count)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{traces.Count - biggest.Count} more samples"));
        output.WriteLine();
    }

    private static void WriteTraceback(TextWriter output, AllocationTrace trace, int filenameParts)
    {
        if (trace.Traceback.Count == 0) output.WriteLine("  (no traceback)");
        foreach (TraceFrame frame in trace.Traceback)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  at {frame.Method} in {AllocationKey.ShortenFileName(frame.FileName, filenameParts)}:{frame.LineNumber}"));
    }
}
