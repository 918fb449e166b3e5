using System.Runtime;

namespace Heapmon.Tests.Sizing;

/// <summary>Runs a body in which no GC can move objects, so addresses taken in it stay valid for ClrMD.</summary>
internal static class NoGCRegion
{
    public static T Run<T>(Func<T> body, long budget = 512L << 20)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            if (!GC.TryStartNoGCRegion(budget)) continue;
            T result;
            bool held;
            try
            {
                result = body();
            }
            finally
            {
                held = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
                if (held) GC.EndNoGCRegion();
            }
            if (held) return result;
        }
        throw new InvalidOperationException("A GC kept ending the NoGC region (budget exhausted by other threads?).");
    }
}
