using System.Runtime.CompilerServices;
using Heapmon.Testing;
using Xunit;

namespace Samples.Testing;

// Memory assertions force full GCs and walk the heap: keep them out of parallel runs.
[CollectionDefinition("Memory", DisableParallelization = true)]
public sealed class MemoryCollection;

[Collection("Memory")]
public sealed class PoolTests
{
    [Fact]
    public void ConnectionsAreLetGo()
    {
        using HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
        UseConnections(Pool.Open);
        checkpoint.NoSurvivors<Connection>();
    }

    /// <summary>Expected to fail: OpenLeaky keeps every connection, and the failure names Pool.s_idle.</summary>
    [Fact]
    [Trait("Expected", "Fail")]
    public void LeakIsCaught()
    {
        using HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
        UseConnections(Pool.OpenLeaky);
        checkpoint.NoSurvivors<Connection>();
    }

    // In a method of its own: no local of the test method can keep a connection alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseConnections(Func<Connection> open)
    {
        for (int i = 0; i < 3; i++)
        {
            using Connection connection = open();
            Assert.Equal(256, connection.Capacity);
        }
    }
}
