using System.Diagnostics;
using System.Globalization;

namespace Heapmon.Tracking;

/// <summary>Reads the process's memory and the GC's figures for a snapshot (Pympler: ProcessMemoryInfo).</summary>
internal static class ProcessFigures
{
    private static readonly string[] GenerationNames = ["gen0", "gen1", "gen2", "loh", "poh"];

    /// <summary>Resident and virtual size: /proc/self/statm on Linux, else <see cref="Process"/>.</summary>
    public static ProcessMemory Memory()
    {
        if (OperatingSystem.IsLinux() && TryStatm(out ProcessMemory? memory)) return memory!;
        using Process self = Process.GetCurrentProcess();
        return new ProcessMemory(self.WorkingSet64, self.VirtualMemorySize64);
    }

    /// <summary>The GC's own figures now: sizes after the last GC, collection counts, bytes allocated so far.</summary>
    public static GcFigures Gc()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.Any);
        ReadOnlySpan<GCGenerationInfo> generations = info.GenerationInfo;
        var perGeneration = new GenerationFigures[Math.Min(generations.Length, GenerationNames.Length)];
        for (int g = 0; g < perGeneration.Length; g++)
            perGeneration[g] = new GenerationFigures(GenerationNames[g], generations[g].SizeAfterBytes, generations[g].FragmentationAfterBytes);
        int[] counts = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        return new GcFigures(info.HeapSizeBytes, info.TotalCommittedBytes, info.FragmentedBytes, perGeneration, counts,
            GC.GetTotalAllocatedBytes(precise: true));
    }

    private static bool TryStatm(out ProcessMemory? memory)
    {
        memory = null;
        try
        {
            // statm: size resident shared text lib data dt, in pages.
            string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
            long page = Environment.SystemPageSize;
            memory = new ProcessMemory(
                long.Parse(fields[1], CultureInfo.InvariantCulture) * page,
                long.Parse(fields[0], CultureInfo.InvariantCulture) * page);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return false;
        }
    }
}
