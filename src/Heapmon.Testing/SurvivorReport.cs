using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Heapmon.Garbage;
using Heapmon.Heap;

namespace Heapmon.Testing;

/// <summary>
/// Finds the live instances of a type and says why the first few are alive: one retention path each,
/// from the same search as RetentionPaths.Find (dotnet-dump's gcroot -nostacks; Heapmonitor's garbage graph).
/// </summary>
internal static class SurvivorReport
{
    /// <summary>Survivors whose retention path is shown in a failure; each path is a search of the heap.</summary>
    public const int PathsShown = 3;

    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The live instances of <paramref name="type"/> and its subclasses after a full collect, finalizers run.</summary>
    public static IReadOnlyList<object> Find(Type type)
    {
        // Collect and run finalizers; the walk's own full blocking GC is the "collect again".
        Settle.CollectAndFinalize();
        return InstanceFinder.Find([type], includeSubclasses: true).Instances;
    }

    /// <summary>
    /// Null when <paramref name="passes"/> accepts the instances alive after one full GC (nothing a finalizer does
    /// can add any); else the instances alive after finalizers have run and a full GC collected what they let go.
    /// </summary>
    public static IReadOnlyList<object>? FindUnless(Type type, Func<IReadOnlyList<object>, bool> passes)
        => Passes(type, passes) ? null : Find(type);

    /// <summary>In a frame of its own, so the first walk's references are gone before the second walk's GC.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Passes(Type type, Func<IReadOnlyList<object>, bool> passes)
        => passes(InstanceFinder.Find([type], includeSubclasses: true).Instances);

    /// <summary>"3 instances of T survived (...); #1 is held by static ... → ..." and one line per further path.</summary>
    public static string Failure(string what, IReadOnlyList<object> shown)
    {
        var text = new StringBuilder(what);
        for (int i = 0; i < Math.Min(PathsShown, shown.Count); i++)
            text.Append(i == 0 ? "; " : Environment.NewLine + "  ").Append(s_inv, $"#{i + 1} ").Append(Held(shown[i]));
        if (shown.Count > PathsShown) text.Append(Environment.NewLine).Append(s_inv, $"  ({shown.Count - PathsShown} more not shown)");
        return text.ToString();
    }

    /// <summary>"held by static Pool.s_idle → List&lt;Connection&gt;._items → Connection[][0] → Connection".</summary>
    private static string Held(object survivor)
    {
        RetentionReport report;
        try
        {
            report = RetentionPaths.Find(survivor, max: 1);
        }
        catch (HeapWalkException e)
        {
            // The count is what the assertion checks; a path is the explanation, and may be missing.
            return $"is a {TypeNames.Display(survivor.GetType())} (no retention path: {e.Message})";
        }
        if (report.Paths.Count == 0)
            return $"is a {TypeNames.Display(survivor.GetType())} held by no static, GC handle or finalizer queue: " +
                "a local variable on a thread's stack holds it (keep it out of the test method: create it in a [MethodImpl(MethodImplOptions.NoInlining)] method), " +
                "or a thread that is still running";
        return "is held by " + Render(report.Paths[0]);
    }

    /// <summary>One path on one line: the root, then each object with the field that leads on.</summary>
    public static string Render(RetentionPath path)
    {
        var text = new StringBuilder(path.Root.Label);
        for (int i = 0; i < path.Objects.Count; i++)
        {
            text.Append(" → ").Append(path.Objects[i].TypeName);
            if (i < path.Fields.Count) text.Append(path.Fields[i].StartsWith('[') ? "" : ".").Append(path.Fields[i]);
        }
        return text.ToString();
    }

    /// <summary>"1 instance" / "3 instances".</summary>
    public static string Instances(long count) => count.ToString("N0", s_inv) + (count == 1 ? " instance" : " instances");
}
