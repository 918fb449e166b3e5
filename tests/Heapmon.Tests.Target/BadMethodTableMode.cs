using Heapmon.Heap;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Tests.Target;

/// <summary>
/// `badmethodtable`: hands the walk's MethodTable lookup a word that is no MethodTable but whose class
/// pointer leads to a -1 where the DAC follows it (the pattern that crashed the DAC with a SIGSEGV under
/// the torture test), then a real one. Prints `methodtable|fake|<name or null>` and `methodtable|real|<name>`;
/// a crash shows as the exit code.
/// </summary>
internal static unsafe class BadMethodTableMode
{
    public static int Run()
    {
        byte[] fake = GC.AllocateArray<byte>(4096, pinned: true);
        fixed (byte* data = fake)
        {
            ulong methodTable = ((ulong)data + 63) & ~63UL;
            ulong eeClass = methodTable + 0x100;
            *(uint*)methodTable = 0x80000;                // flags the DAC reads as an array's: it checks on
            *(uint*)(methodTable + 4) = 24;               // a plausible base size
            *(ulong*)(methodTable + 0x28) = eeClass;      // the "class"
            *(ulong*)(eeClass + 0x10) = ulong.MaxValue;   // whose MethodTable reads as -1
            using (HeapWalkLock.Enter())
            {
                ClrRuntime runtime = SelfRuntime.Fresh();
                Console.WriteLine($"methodtable|fake|{MethodTableCache.Get(runtime, methodTable)?.Name ?? "null"}");
                Console.WriteLine($"methodtable|real|{MethodTableCache.Get(runtime, (ulong)typeof(StressItem).TypeHandle.Value)?.Name ?? "null"}");
            }
        }
        GC.KeepAlive(fake);
        return 0;
    }
}
