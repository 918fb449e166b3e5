using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Heapmon.Garbage;
using Heapmon.Model;

namespace Heapmon.Tests.Garbage;

[Collection(HeapWalkCollection.Name)]
public sealed class RetentionPathsTests
{
    private static readonly string s_leakyName = typeof(Leaky).FullName!;

    [Fact]
    public void AnObjectHeldByAStaticEventHandlerThroughAClosureShowsTheWholePath()
    {
        var leaky = new Leaky();
        Program.Subscribe(leaky);
        try
        {
            RetentionReport report = RetentionPaths.Find(leaky);

            // static Program.Changed → delegate → closure → object
            RetentionPath path = Assert.Single(report.Paths);
            Assert.Equal(GcRootKind.StaticField, path.Root.Kind);
            Assert.Equal($"static {typeof(Program).FullName}.Changed", path.Root.Label);
            Assert.Equal(3, path.Objects.Count);
            Assert.Equal("System.EventHandler", path.Objects[0].TypeName);
            Assert.Contains("<Subscribe>", path.Objects[0].Name);
            Assert.StartsWith(typeof(Program).FullName + "+<>c__DisplayClass", path.Objects[1].TypeName);
            Assert.Equal(s_leakyName, path.Objects[2].TypeName);
            Assert.Equal(["_target", "leaky"], path.Fields);
            Assert.Equal(report.Target, path.Objects[2]);
            Assert.False(report.IncludesStackRoots);

            string text = report.ToString();
            Assert.Contains("NOT thread stacks (gcroot -nostacks", text);
            Assert.Contains($"static {typeof(Program).FullName}.Changed", text);
            Assert.Contains("._target -> ", text);
        }
        finally
        {
            Program.Clear();
        }
    }

    [Fact]
    public void AnObjectHeldByAGcHandleShowsTheHandle()
    {
        GCHandle handle = GCHandle.Alloc(new Leaky());
        try
        {
            RetentionReport report = RetentionPaths.Find(handle.Target!);
            RetentionPath path = Assert.Single(report.Paths);
            Assert.Equal(GcRootKind.StrongHandle, path.Root.Kind);
            // The label carries the handle's own address: the handle table slot GCHandle.ToIntPtr gives.
            Assert.Equal($"strong GC handle 0x{GCHandle.ToIntPtr(handle):x}", path.Root.Label);
            Assert.Equal(s_leakyName, Assert.Single(path.Objects).TypeName);
            Assert.Empty(path.Fields);
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void AConditionalWeakTableValueShowsItsKeyAndTheDependentHandle()
    {
        var key = new object();
        Attachments.Key = key;
        AttachValue(key);
        try
        {
            Assert.True(Attachments.Table.TryGetValue(key, out Leaky? value));
            RetentionReport report = RetentionPaths.Find(value);

            RetentionPath path = Assert.Single(report.Paths, p => p.Root.Kind == GcRootKind.StaticField);
            Assert.Equal($"static {typeof(Attachments).FullName}.Key", path.Root.Label);
            Assert.Equal(["System.Object", s_leakyName], path.Objects.Select(o => o.TypeName));
            Assert.Equal("(dependent handle: ConditionalWeakTable value)", Assert.Single(path.Fields));
        }
        finally
        {
            Attachments.Key = null;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AttachValue(object key) => Attachments.Table.Add(key, new Leaky());

    [Fact]
    public void SeveralRootsGiveSeveralPathsShortestFirstAndMaxIsHonoured()
    {
        var leaky = new Leaky();
        GCHandle direct = GCHandle.Alloc(leaky);
        GCHandle viaList = GCHandle.Alloc(new List<Leaky> { leaky });
        Program.Subscribe(leaky);
        try
        {
            RetentionReport all = RetentionPaths.Find(leaky, max: 10);
            Assert.Equal(3, all.Paths.Count);
            Assert.Equal([1, 3, 3], all.Paths.Select(p => p.Objects.Count));
            Assert.Equal(GcRootKind.StrongHandle, all.Paths[0].Root.Kind);
            RetentionPath list = Assert.Single(all.Paths, p => p.Objects[0].TypeName.StartsWith("System.Collections.Generic.List<", StringComparison.Ordinal));
            Assert.Equal(["_items", "[0]"], list.Fields);

            RetentionReport two = RetentionPaths.Find(leaky, max: 2);
            Assert.Equal(2, two.Paths.Count);
            Assert.Equal(all.Paths[0].Root, two.Paths[0].Root);
            Assert.Throws<ArgumentOutOfRangeException>(() => RetentionPaths.Find(leaky, max: 0));
        }
        finally
        {
            Program.Clear();
            direct.Free();
            viaList.Free();
        }
    }

    [Fact]
    public void AThreadStaticFieldIsARootOfItsThread()
    {
        var ready = new ManualResetEventSlim();
        var done = new ManualResetEventSlim();
        Leaky? held = null;
        int threadId = 0;
        var thread = new Thread(() =>
        {
            PerThread.Current = held = new Leaky();
            threadId = Environment.CurrentManagedThreadId;
            ready.Set();
            done.Wait();
            PerThread.Current = null;
        });
        thread.Start();
        try
        {
            Assert.True(ready.Wait(TimeSpan.FromSeconds(30)));
            RetentionReport report = RetentionPaths.Find(held!);
            RetentionPath path = Assert.Single(report.Paths);
            Assert.Equal(GcRootKind.ThreadStatic, path.Root.Kind);
            Assert.Equal($"thread-static {typeof(PerThread).FullName}.Current (thread {threadId})", path.Root.Label);
            Assert.Equal(s_leakyName, Assert.Single(path.Objects).TypeName);
        }
        finally
        {
            done.Set();
            thread.Join();
        }
    }

    [Fact]
    public void AnalysesLeaveNoNoGcRegionOpenAndKeepNothingAlive()
    {
        WeakReference weak = FindAndDrop();
        Assert.NotEqual(System.Runtime.GCLatencyMode.NoGCRegion, System.Runtime.GCSettings.LatencyMode);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference FindAndDrop()
    {
        var leaky = new Leaky();
        var pair = new object[] { leaky, null! };
        pair[1] = pair;
        RetentionPaths.Find(leaky);
        CycleFinder.FindAmong([pair]);
        return new WeakReference(leaky);
    }

    [Fact]
    public void AnObjectOnlyALocalHoldsHasNoPathWithoutStacks()
    {
        var local = new Leaky();
        RetentionReport noStacks = RetentionPaths.Find(local);
        Assert.Empty(noStacks.Paths);
        Assert.Contains("only a thread's stack (a local variable) holds it", noStacks.ToString());
        GC.KeepAlive(local);
    }

    [Fact]
    public void WithAFullSnapshotALocalVariableIsAStackRoot()
    {
        // The snapshot is a core dump of the whole process: taken in a small child process, not the test host.
        RetentionReport report = GarbageSampleRun.Json<RetentionReport>("stacks");
        Assert.True(report.IncludesStackRoots);
        Assert.Equal("GarbageSample.LeakyHandle", report.Target.TypeName);
        RetentionPath path = Assert.Single(report.Paths);
        Assert.Equal(GcRootKind.Stack, path.Root.Kind);
        Assert.Equal("stack of thread 1 in GarbageSample.Leaks.StackRoot", path.Root.Label);
        Assert.Equal(report.Target, Assert.Single(path.Objects));
    }
}
