using System.Globalization;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Garbage;

/// <summary>
/// The GC roots of a heap, labelled. .NET keeps a type's static reference fields in slots of a
/// shared object[] held by one GC handle; a root that points at such a table is replaced by one
/// root per slot, named after the static field that owns it, so a path starts at
/// "static Program.Changed" rather than at an anonymous object[]. Thread statics are not
/// reported as roots in-process, so they are read field by field from each thread.
/// </summary>
internal static class HeapRoots
{
    /// <param name="runtime">The runtime, with no GC running (or a snapshot).</param>
    /// <param name="includeStacks">Add stack roots (only a snapshot has them).</param>
    /// <param name="skipOwnFrames">Leave out stack roots in Heapmon.Garbage's own frames (the object asked about is a local there).</param>
    public static List<(GcRoot Root, ulong Object)> Collect(ClrRuntime runtime, bool includeStacks, bool skipOwnFrames = true)
    {
        ClrHeap heap = runtime.Heap;
        IDataReader reader = runtime.DataTarget.DataReader;
        var slots = new Dictionary<ulong, string>();
        var roots = new List<(GcRoot, ulong)>();
        var seen = new HashSet<(GcRoot, ulong)>();
        void Add(GcRootKind kind, string label, ulong obj)
        {
            var root = (new GcRoot(kind, label), obj);
            if (obj != 0 && seen.Add(root)) roots.Add(root);
        }

        foreach (ClrModule module in runtime.EnumerateModules())
        {
            foreach (ClrType type in module.EnumerateTypesWithStaticFields())
            {
                foreach (ClrStaticField field in type.StaticFields)
                {
                    if (!field.IsObjectReference) continue;
                    foreach (ClrAppDomain domain in runtime.AppDomains)
                    {
                        ulong slot = field.GetAddress(domain);
                        if (slot != 0) slots.TryAdd(slot, $"static {type.Name}.{FieldNames.Display(field.Name)}");
                    }
                }
                foreach (ClrThreadStaticField field in type.ThreadStaticFields)
                {
                    if (!field.IsObjectReference) continue;
                    foreach (ClrThread thread in runtime.Threads)
                        if (thread.IsAlive)
                            Add(GcRootKind.ThreadStatic, $"thread-static {type.Name}.{FieldNames.Display(field.Name)} (thread {thread.ManagedThreadId})", field.ReadObject(thread).Address);
                }
            }
        }

        var tables = new HashSet<ulong>();
        foreach (ClrRoot root in EnumerateRoots(runtime, includeStacks))
        {
            ClrObject obj = root.Object;
            if (obj.IsNull) continue;
            if (IsStaticsTable(obj, slots))
            {
                if (tables.Add(obj.Address)) AddStaticsTable(obj, slots, reader, Add);
                continue;
            }
            switch (root.RootKind)
            {
                case ClrRootKind.Stack:
                    if (skipOwnFrames && root is ClrStackRoot stack && IsOurOwnFrame(stack)) continue;
                    Add(GcRootKind.Stack, StackLabel(root), obj.Address);
                    break;
                case ClrRootKind.StrongHandle: Add(GcRootKind.StrongHandle, $"strong GC handle 0x{root.Address:x}", obj.Address); break;
                case ClrRootKind.PinnedHandle: Add(GcRootKind.PinnedHandle, $"pinned GC handle 0x{root.Address:x}", obj.Address); break;
                case ClrRootKind.AsyncPinnedHandle: Add(GcRootKind.AsyncPinnedHandle, $"async pinned GC handle 0x{root.Address:x}", obj.Address); break;
                case ClrRootKind.RefCountedHandle: Add(GcRootKind.RefCountedHandle, $"ref-counted GC handle 0x{root.Address:x}", obj.Address); break;
                case ClrRootKind.SizedRefHandle: Add(GcRootKind.SizedRefHandle, $"sized-ref GC handle 0x{root.Address:x}", obj.Address); break;
                case ClrRootKind.FinalizerQueue: Add(GcRootKind.FinalizerQueue, "finalizer queue (ready for finalization)", obj.Address); break;
                case ClrRootKind.ThreadStaticVar: Add(GcRootKind.ThreadStatic, "thread-static storage", obj.Address); break;
                case ClrRootKind.StaticVar: Add(GcRootKind.StaticField, "static storage", obj.Address); break;
                default: Add(GcRootKind.Other, root.RootKind.ToString(), obj.Address); break;
            }
        }
        return roots;
    }

    /// <summary>
    /// ClrHeap.EnumerateRoots without the stack walk when stacks are not wanted: in-process there
    /// are no thread contexts, and walking stacks anyway crashed inside the DAC (SIGSEGV in
    /// libmscordaccore, .NET 10.0.12) on the second walk of a process.
    /// </summary>
    private static IEnumerable<ClrRoot> EnumerateRoots(ClrRuntime runtime, bool includeStacks)
    {
        if (includeStacks) return runtime.Heap.EnumerateRoots();
        return runtime.EnumerateHandles().Where(h => h.IsStrong)
            .Concat(runtime.Heap.EnumerateFinalizerRoots())
            .Concat(runtime.Heap.EnumerateAdditionalRoots());
    }

    private static bool IsStaticsTable(ClrObject obj, Dictionary<ulong, string> slots)
    {
        if (!obj.IsArray || obj.Type?.ComponentType is { IsValueType: true }) return false;
        ulong start = obj.Address, end = obj.Address + obj.Size;
        foreach (ulong slot in slots.Keys)
            if (slot > start && slot < end) return true;
        return false;
    }

    private static void AddStaticsTable(ClrObject table, Dictionary<ulong, string> slots, IDataReader reader, Action<GcRootKind, string, ulong> add)
    {
        int length = table.AsArray().Length;
        ulong first = table.Address + 2UL * (ulong)IntPtr.Size;
        for (int i = 0; i < length; i++)
        {
            ulong slot = first + (ulong)(i * IntPtr.Size);
            if (!reader.ReadPointer(slot, out ulong value) || value == 0) continue;
            // Slots no field claims belong to closed generic types, which ClrMD does not list per module.
            string label = slots.TryGetValue(slot, out string? name) ? name
                : $"static (slot {i.ToString(CultureInfo.InvariantCulture)} of the statics table, a generic type's static)";
            add(GcRootKind.StaticField, label, value);
        }
    }

    private static bool IsOurOwnFrame(ClrStackRoot root) =>
        root.StackFrame?.Method?.Type?.Name is { } name && name.StartsWith("Heapmon.Garbage.", StringComparison.Ordinal);

    private static string StackLabel(ClrRoot root)
    {
        if (root is ClrStackRoot { StackFrame: { } frame })
        {
            string thread = frame.Thread is { } t ? t.ManagedThreadId.ToString(CultureInfo.InvariantCulture) : "?";
            string method = frame.Method is { } m ? $"{m.Type?.Name}.{m.Name}" : frame.FrameName ?? "?";
            return $"stack of thread {thread} in {method}";
        }
        return "stack";
    }
}
