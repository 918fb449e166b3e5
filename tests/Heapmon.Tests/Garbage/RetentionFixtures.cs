using System.Runtime.CompilerServices;

namespace Heapmon.Tests.Garbage;

/// <summary>The example: a static event whose handler closes over the object it keeps alive.</summary>
internal static class Program
{
    public static event EventHandler? Changed;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Subscribe(Leaky leaky) => Changed += (_, _) => leaky.Touch();

    public static void Clear() => Changed = null;

    public static void Raise() => Changed?.Invoke(null, EventArgs.Empty);
}

/// <summary>Statics holding a ConditionalWeakTable and its key.</summary>
internal static class Attachments
{
    public static readonly ConditionalWeakTable<object, Leaky> Table = new();
    public static object? Key;
}

/// <summary>A [ThreadStatic] field: each thread has its own slot.</summary>
internal static class PerThread
{
    [ThreadStatic]
    public static Leaky? Current;
}

/// <summary>An object someone forgot to let go of.</summary>
internal sealed class Leaky
{
    public int Touches;

    public void Touch() => Touches++;
}
