using System.Runtime.CompilerServices;
using Heapmon.Testing;

namespace Heapmon.Tests.Stability;

/// <summary>One assertion run in a loop; it prints how many runs threw <see cref="HeapAssertionException"/>.</summary>
internal sealed record Check(string Name, Action Assertion)
{
    public void Run(int runs)
    {
        int failures = 0;
        string first = "";
        for (int i = 0; i < runs; i++)
        {
            try
            {
                Assertion();
            }
            catch (HeapAssertionException e)
            {
                if (failures++ == 0) first = e.Message.ReplaceLineEndings(" / ");
            }
        }
        Console.WriteLine($"check|{Name}|{runs}|{failures}|{first}");
    }
}

/// <summary>The assertions: the passing ones on garbage and exact sizes, the leaking ones on a static pool.</summary>
internal static class Checks
{
    private static object? s_sink;

    public static Check[] Passing { get; } =
    [
        new("NoInstances", () =>
        {
            Pool.MakeGarbage(20);
            HeapAssert.NoInstances<Connection>();
        }),
        new("NoSurvivors", () =>
        {
            using HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
            Pool.MakeGarbage(20);
            checkpoint.NoSurvivors<Connection>();
        }),
        // A byte[1000] occupies 8 (header) + 8 (MethodTable) + 8 (length) + 1000 bytes, rounded up to 8: 1,024.
        new("AllocatesAtSize", () => HeapAssert.Allocates(AllocateArray, atMost: 1024)),
        new("DoesNotLeak", () => HeapAssert.DoesNotLeak(() => Pool.MakeGarbage(5), iterations: 20, warmup: 5)),
        // 10 runs keep 10 connections (24 bytes each) and their 64-byte buffers (88 each): 1,120 bytes.
        new("DoesNotLeakWithinTolerance", () => WithEmptyPool(() => HeapAssert.DoesNotLeak(() => Pool.Leak(1), iterations: 10, warmup: 2, tolerance: 1120))),
    ];

    public static Check[] Leaking { get; } =
    [
        new("NoInstancesLeak", () => WithEmptyPool(() => { Pool.Leak(1); HeapAssert.NoInstances<Connection>(); })),
        new("NoSurvivorsLeak", () => WithEmptyPool(() =>
        {
            using HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
            Pool.Leak(1);
            checkpoint.NoSurvivors<Connection>();
        })),
        new("AllocatesOneByteUnder", () => HeapAssert.Allocates(AllocateArray, atMost: 1023)),
        new("DoesNotLeakOneByteOver", () => WithEmptyPool(() => HeapAssert.DoesNotLeak(() => Pool.Leak(1), iterations: 10, warmup: 2, tolerance: 1119))),
    ];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateArray() => s_sink = new byte[1000];

    /// <summary>Runs an assertion with the pool emptied before and after, its capacity kept (so its growth is no part of the check).</summary>
    private static void WithEmptyPool(Action assertion)
    {
        Pool.Clear();
        try
        {
            assertion();
        }
        finally
        {
            Pool.Clear();
        }
    }
}

/// <summary>The type the checks make and leak.</summary>
internal sealed class Connection
{
    public byte[] Buffer { get; } = new byte[64];
}

/// <summary>A static pool: the root a leak's failure names.</summary>
internal static class Pool
{
    private static readonly List<Connection> s_idle = new(capacity: 4096);

    public static void Clear() => s_idle.Clear();

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MakeGarbage(int count)
    {
        for (int i = 0; i < count; i++) GC.KeepAlive(new Connection());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Leak(int count)
    {
        for (int i = 0; i < count; i++) s_idle.Add(new Connection());
    }
}
