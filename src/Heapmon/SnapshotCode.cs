using System.Runtime.CompilerServices;

namespace Heapmon;

/// <summary>How the code a snapshot runs once per call is compiled.</summary>
internal static class SnapshotCode
{
    /// <summary>
    /// For methods a snapshot calls once or a few times (not once per object): compiled once, fully
    /// optimised, instead of three times as the tiered JIT promotes them (tier 0, instrumented tier 0,
    /// tier 1 after 30 calls each). At 10 snapshots a second those promotions fall in the first 6 s
    /// and cost the JIT thread about 100 ms there; the profile they gather buys nothing for code
    /// that runs ten times a second. Per-object code (the sizer's walk) keeps tiering: its dynamic
    /// profile makes it faster.
    /// </summary>
    public const MethodImplOptions OncePerCall = MethodImplOptions.AggressiveOptimization;
}
