using System.Globalization;
using Heapmon.Model;
using Heapmon.Sizing;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>One GC root: its kind, a label in words, the object it holds, and whether it is Heapmon's own (a static of Heapmon or ClrMD).</summary>
internal readonly record struct GraphRoot(GcRootKind Kind, string Label, ulong Object, bool Own = false);

/// <summary>
/// The GC roots a graph walk starts from: strong handles, statics (each static field its own root,
/// named after the field, rather than the runtime's shared statics table), thread statics and the
/// finalizer queue; stacks only from a dump. Also the dependent handles (ConditionalWeakTable), which
/// the GC treats as a reference from the key to the value. The one reader of roots: heap snapshots and
/// retention paths (<c>Heapmon.Garbage</c>) both start from what it returns.
/// </summary>
internal static class GraphRoots
{
    /// <summary>Reads the roots of <paramref name="runtime"/>; call with no GC possible (inside the walk's no-GC region, or on a snapshot).</summary>
    /// <param name="runtime">The runtime.</param>
    /// <param name="includeStacks">Add stack roots (only a dump or snapshot has them).</param>
    /// <param name="dependents">Receives the dependent handles' (key, value) pairs; null when not wanted.</param>
    /// <param name="skipFramesOf">Leave out stack roots in frames of types whose name starts with this (the caller's own locals).</param>
    public static List<GraphRoot> Collect(ClrRuntime runtime, bool includeStacks, List<(ulong Key, ulong Value)>? dependents, string? skipFramesOf = null)
    {
        var roots = new List<GraphRoot>(4096);
        var slots = new Dictionary<ulong, (string Label, bool Own)>();
        StaticsAndThreadStatics(runtime, slots, roots);
        ulong[] slotAddresses = [.. slots.Keys.Order()];
        var tables = new HashSet<ulong>();
        IEnumerable<ClrRoot> all = includeStacks
            ? runtime.Heap.EnumerateRoots()
            // In-process, walking stacks crashed the DAC on the second walk of a process: no stacks.
            : runtime.EnumerateHandles().Where(h => h.IsStrong).Concat(runtime.Heap.EnumerateFinalizerRoots()).Concat(runtime.Heap.EnumerateAdditionalRoots());
        if (dependents is not null)
            foreach (ClrHandle handle in runtime.EnumerateHandles())
                if (handle.HandleKind == ClrHandleKind.Dependent && handle.Object.Address != 0 && handle.Dependent.Address != 0)
                    dependents.Add((handle.Object.Address, handle.Dependent.Address));
        foreach (ClrRoot root in all)
        {
            ClrObject obj = root.Object;
            if (obj.IsNull || (skipFramesOf is not null && IsFrameOf(root, skipFramesOf))) continue;
            if (IsStaticsTable(obj, slotAddresses))
            {
                if (tables.Add(obj.Address)) ExpandStaticsTable(obj, slots, runtime.DataTarget.DataReader, roots);
                continue;
            }
            roots.Add(new GraphRoot(KindOf(root.RootKind), Label(root), obj.Address));
        }
        return roots;
    }

    /// <summary>
    /// Static field slots (address → label and whether Heapmon's own) into <paramref name="slots"/>, thread statics'
    /// objects into <paramref name="roots"/>; with <paramref name="reuse"/>, what <see cref="StaticFieldCache"/> kept is reused.
    /// </summary>
    internal static void StaticsAndThreadStatics(ClrRuntime runtime, Dictionary<ulong, (string, bool)> slots, List<GraphRoot> roots, bool reuse = true)
    {
        ulong permanent = reuse ? StaticFieldCache.PermanentAllocator(runtime) : 0;
        foreach (ClrModule module in runtime.EnumerateModules())
        {
            bool own = IsOwnModule(module);
            bool cached = StaticFieldCache.Applies(module, permanent);
            IEnumerable<ClrType> types = cached ? StaticFieldCache.TypesToRead(runtime, module, own, slots) : module.EnumerateTypesWithStaticFields();
            foreach (ClrType type in types) TypeStatics(runtime, type, own, cached, slots, roots);
        }
    }

    private static void TypeStatics(ClrRuntime runtime, ClrType type, bool own, bool cached, Dictionary<ulong, (string, bool)> slots, List<GraphRoot> roots)
    {
        var statics = new List<(ulong Slot, string Label)>();
        bool complete = true;
        foreach (ClrStaticField field in type.StaticFields)
        {
            if (!field.IsObjectReference) continue;
            string label = $"static {type.Name}.{FieldNames.Display(field.Name)}";
            foreach (ClrAppDomain domain in runtime.AppDomains)
            {
                ulong slot = field.GetAddress(domain);
                if (slot == 0) { complete = false; continue; }
                slots.TryAdd(slot, (label, own));
                statics.Add((slot, label));
            }
        }
        foreach (ClrThreadStaticField field in type.ThreadStaticFields)
        {
            if (!field.IsObjectReference) continue;
            complete = false;   // read per thread, each walk
            foreach (ClrThread thread in runtime.Threads)
            {
                if (!thread.IsAlive) continue;
                ulong value = field.ReadObject(thread).Address;
                if (value != 0) roots.Add(new GraphRoot(GcRootKind.ThreadStatic, $"thread-static {type.Name}.{FieldNames.Display(field.Name)} (thread {thread.ManagedThreadId})", value, own));
            }
        }
        if (cached) StaticFieldCache.Keep(type, statics, complete);
    }

    /// <summary>An array of references that holds static field slots: the runtime's statics storage.</summary>
    private static bool IsStaticsTable(ClrObject obj, ulong[] slots)
    {
        if (!obj.IsArray || obj.Type?.ComponentType is { IsValueType: true }) return false;
        int i = Array.BinarySearch(slots, obj.Address + 1);
        if (i < 0) i = ~i;
        return i < slots.Length && slots[i] < obj.Address + obj.Size;
    }

    private static void ExpandStaticsTable(ClrObject table, Dictionary<ulong, (string Label, bool Own)> slots, IDataReader reader, List<GraphRoot> roots)
    {
        int length = table.AsArray().Length;
        ulong first = table.Address + 2UL * (ulong)IntPtr.Size;
        for (int i = 0; i < length; i++)
        {
            ulong slot = first + (ulong)(i * IntPtr.Size);
            if (!reader.ReadPointer(slot, out ulong value) || value == 0) continue;
            // Slots no field claims belong to closed generic types, which ClrMD does not list per module.
            (string label, bool own) = slots.TryGetValue(slot, out var field) ? field
                : ($"static (slot {i.ToString(CultureInfo.InvariantCulture)} of the statics table, a generic type's static)", false);
            roots.Add(new GraphRoot(GcRootKind.StaticField, label, value, own));
        }
    }

    private static GcRootKind KindOf(ClrRootKind kind) => kind switch
    {
        ClrRootKind.Stack => GcRootKind.Stack,
        ClrRootKind.StrongHandle => GcRootKind.StrongHandle,
        ClrRootKind.PinnedHandle => GcRootKind.PinnedHandle,
        ClrRootKind.AsyncPinnedHandle => GcRootKind.AsyncPinnedHandle,
        ClrRootKind.RefCountedHandle => GcRootKind.RefCountedHandle,
        ClrRootKind.SizedRefHandle => GcRootKind.SizedRefHandle,
        ClrRootKind.FinalizerQueue => GcRootKind.FinalizerQueue,
        ClrRootKind.ThreadStaticVar => GcRootKind.ThreadStatic,
        ClrRootKind.StaticVar => GcRootKind.StaticField,
        _ => GcRootKind.Other,
    };

    private static string Label(ClrRoot root) => root.RootKind switch
    {
        ClrRootKind.FinalizerQueue => "finalizer queue (ready for finalization)",
        ClrRootKind.Stack when root is ClrStackRoot { StackFrame: { } frame } =>
            $"stack of thread {frame.Thread?.ManagedThreadId.ToString(CultureInfo.InvariantCulture) ?? "?"} in {(frame.Method is { } m ? $"{m.Type?.Name}.{m.Name}" : frame.FrameName ?? "?")}",
        ClrRootKind.StrongHandle or ClrRootKind.PinnedHandle or ClrRootKind.AsyncPinnedHandle or ClrRootKind.RefCountedHandle or ClrRootKind.SizedRefHandle
            => $"{HandleWord(root.RootKind)} GC handle 0x{root.Address:x}",
        ClrRootKind.ThreadStaticVar => "thread-static storage",
        ClrRootKind.StaticVar => "static storage",
        _ => root.RootKind.ToString(),
    };

    private static bool IsFrameOf(ClrRoot root, string typePrefix) =>
        root is ClrStackRoot { StackFrame.Method.Type.Name: { } name } && name.StartsWith(typePrefix, StringComparison.Ordinal);

    private static string HandleWord(ClrRootKind kind) => kind switch
    {
        ClrRootKind.PinnedHandle => "pinned",
        ClrRootKind.AsyncPinnedHandle => "async pinned",
        ClrRootKind.RefCountedHandle => "ref-counted",
        ClrRootKind.SizedRefHandle => "sized-ref",
        _ => "strong",
    };

    /// <summary>Heapmon's walk machinery and ClrMD: what their statics hold is the profiler, not the program.</summary>
    private static bool IsOwnModule(ClrModule module)
    {
        string file = Path.GetFileName(module.Name ?? "");
        return file is "Heapmon.dll" or "Microsoft.Diagnostics.Runtime.dll";
    }
}
