using System.Runtime.CompilerServices;
using System.Buffers.Text;
using System.Diagnostics;
using Heapmon.Model;
using Microsoft.Win32.SafeHandles;

namespace Heapmon.Heap;

/// <summary>Reads the process's memory and the GC's figures for a snapshot (Pympler: ProcessMemoryInfo).</summary>
internal static class ProcessFigures
{
    private static readonly string[] s_generationNames = ["gen0", "gen1", "gen2", "loh", "poh"];

    /// <summary>Resident and virtual size: /proc/self/statm on Linux, else <see cref="Process"/>.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public static ProcessMemory Memory()
    {
        if (OperatingSystem.IsLinux() && TryStatm(out ProcessMemory? memory)) return memory!;
        using Process self = Process.GetCurrentProcess();
        return new ProcessMemory(self.WorkingSet64, self.VirtualMemorySize64);
    }

    /// <summary>The GC's own figures now: sizes after the last GC, collection counts, bytes allocated so far.</summary>
    [MethodImpl(SnapshotCode.OncePerCall)]
    public static GcFigures Gc()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.Any);
        ReadOnlySpan<GCGenerationInfo> generations = info.GenerationInfo;
        var perGeneration = new GenerationFigures[Math.Min(generations.Length, s_generationNames.Length)];
        for (int g = 0; g < perGeneration.Length; g++)
            perGeneration[g] = new GenerationFigures(s_generationNames[g], generations[g].SizeAfterBytes, generations[g].FragmentationAfterBytes);
        int[] counts = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        return new GcFigures(info.HeapSizeBytes, info.TotalCommittedBytes, info.FragmentedBytes, perGeneration, counts,
            GC.GetTotalAllocatedBytes(precise: true));
    }

    private static SafeFileHandle? s_statm;

    /// <summary>Opens the file once for the process; a thread that loses the race closes its own handle.</summary>
    private static SafeFileHandle OpenStatm()
    {
        SafeFileHandle opened = File.OpenHandle("/proc/self/statm");
        SafeFileHandle? first = Interlocked.CompareExchange(ref s_statm, opened, null);
        if (first is null) return opened;
        opened.Dispose();
        return first;
    }

    [MethodImpl(SnapshotCode.OncePerCall)]
    private static bool TryStatm(out ProcessMemory? memory)
    {
        memory = null;
        try
        {
            // statm: size resident shared text lib data dt, in pages. Read into a stack buffer and parsed
            // as bytes: File.ReadAllText's reader, decoder and Split cost allocations at 10 Hz and made a
            // third of what the tiered JIT recompiled during the first periodic snapshots.
            // The file stays open: procfs renders it afresh for every read at offset 0.
            Span<byte> text = stackalloc byte[256];
            SafeFileHandle handle = s_statm ?? OpenStatm();
            text = text[..RandomAccess.Read(handle, text, 0)];
            if (!Utf8Parser.TryParse(text, out long size, out int used) || used >= text.Length) return false;
            if (!Utf8Parser.TryParse(text[(used + 1)..], out long resident, out _)) return false;
            long page = Environment.SystemPageSize;
            memory = new ProcessMemory(resident * page, size * page);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
