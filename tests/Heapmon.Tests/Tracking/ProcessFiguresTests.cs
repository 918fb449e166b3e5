using System.Diagnostics;
using Heapmon.Heap;
using Heapmon.Model;
using Heapmon.Tracking;

namespace Heapmon.Tests.Tracking;

public sealed class ProcessFiguresTests
{
    [Fact]
    public void MemoryAgreesWithTheProcessClass()
    {
        ProcessMemory ours = ProcessFigures.Memory();
        using Process self = Process.GetCurrentProcess();
        // Both read /proc at nearly the same moment; the process may grow a little in between.
        Assert.InRange(ours.ResidentBytes, self.WorkingSet64 * 9 / 10, self.WorkingSet64 * 11 / 10);
        Assert.InRange(ours.VirtualBytes, self.VirtualMemorySize64 * 9 / 10, self.VirtualMemorySize64 * 11 / 10);
    }
}
