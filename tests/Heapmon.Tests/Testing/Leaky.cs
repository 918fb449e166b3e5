using System.Runtime.CompilerServices;

namespace Heapmon.Tests.Testing;

/// <summary>The type the memory-assertion tests create, drop and leak.</summary>
internal sealed class LeakyConnection
{
    public byte[] Buffer { get; } = new byte[64];
}

/// <summary>A static pool: the root the failure messages must name.</summary>
internal static class LeakyPool
{
    public static readonly List<LeakyConnection> s_idle = [];

    /// <summary>Makes <paramref name="count"/> connections and drops them, in a frame of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MakeGarbage(int count)
    {
        for (int i = 0; i < count; i++) GC.KeepAlive(new LeakyConnection());
    }

    /// <summary>Makes <paramref name="count"/> connections and keeps them in <see cref="s_idle"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Leak(int count)
    {
        for (int i = 0; i < count; i++) s_idle.Add(new LeakyConnection());
    }

    /// <summary>Weak references to <paramref name="count"/> connections that nothing else holds.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static WeakReference[] Weak(int count) => [.. Enumerable.Range(0, count).Select(_ => new WeakReference(new LeakyConnection()))];
}
