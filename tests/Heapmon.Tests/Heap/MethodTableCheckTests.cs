using System.Runtime.CompilerServices;
using Heapmon.Heap;
using Heapmon.Tests.Target;

namespace Heapmon.Tests.Heap;

/// <summary>
/// The check that keeps words that are no MethodTable away from the DAC, which can crash the process on
/// them: every real MethodTable (the runtime's own type handles are the oracle) passes, and the pattern
/// that crashed the DAC does not, in a child process so that a regression cannot take the test run with it.
/// </summary>
[Collection(HeapWalkCollection.Name)]
public sealed class MethodTableCheckTests
{
    public static TheoryData<Type> RealTypes =>
    [
        typeof(object), typeof(string), typeof(int), typeof(int[]), typeof(string[]), typeof(int[,]), typeof(Dog), typeof(Dog[]),
        typeof(List<int>), typeof(List<string>), typeof(Dictionary<string, Dog>), typeof(KeyValuePair<int, Dog>),
        typeof(Box<int>), typeof(Box<Dog>), typeof(Action<string>), typeof(DayOfWeek), typeof(InvalidOperationException),
        typeof(StressItem), typeof(int?), typeof(ValueTuple<int, string>),
    ];

    [Theory]
    [MemberData(nameof(RealTypes))]
    public void EveryRealMethodTablePasses(Type type)
        => Assert.True(MethodTableCheck.PassesCanonicalTest((ulong)type.TypeHandle.Value), type.FullName);

    [Fact]
    public unsafe void WordsThatAreNoMethodTableFail()
    {
        var dog = new Dog();
        ulong objectAddress = (ulong)Unsafe.As<Dog, nint>(ref dog);
        byte[] ones = GC.AllocateArray<byte>(256, pinned: true);
        Array.Fill(ones, (byte)0xFF);
        fixed (byte* data = ones)
        {
            foreach (ulong word in new[] { 0UL, 1UL, 8UL, ulong.MaxValue, ulong.MaxValue - 7, 0x0078_0078_0078_0078UL, objectAddress, (ulong)data + 16 })
                Assert.False(MethodTableCheck.PassesCanonicalTest(word), $"{word:x}");
        }
        GC.KeepAlive(dog);
    }

    [Fact]
    public void TheWordThatCrashedTheDacNeverReachesIt()
    {
        ChildResult result = ChildProcess.RunDotnet(TestPaths.Assembly("Heapmon.Tests.Target"), ["badmethodtable"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("methodtable|fake|null", result.StdOut);
        Assert.Contains($"methodtable|real|{typeof(StressItem).FullName}", result.StdOut);
    }
}
