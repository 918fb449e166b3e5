using System.Runtime.CompilerServices;

namespace Heapmon.Testing;

/// <summary>
/// The two rules hand-written WeakReference tests get wrong: run the code in a frame of its own, so no
/// tier-0 temporary of the caller keeps its objects alive; and run finalizers, then collect again, so
/// what a finalizer released is gone too.
/// </summary>
internal static class Settle
{
    /// <summary>Full blocking GC, pending finalizers run, full GC again.</summary>
    public static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Full blocking GC and pending finalizers run: for a caller whose next step is a full GC of its own (a heap walk).</summary>
    public static void CollectAndFinalize()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>Runs <paramref name="action"/> once in a frame that is never inlined into the caller's.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(Action action) => action();

    /// <summary>Runs <paramref name="action"/> <paramref name="times"/> times in a frame of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(Action action, int times)
    {
        for (int i = 0; i < times; i++) action();
    }
}
