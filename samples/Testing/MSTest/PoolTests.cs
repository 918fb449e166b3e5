using System.Runtime.CompilerServices;
using Heapmon.Testing;
using Microsoft.VisualStudio.TestTools.UnitTesting;

// Memory assertions force full GCs and walk the heap: keep them out of parallel runs.
[assembly: DoNotParallelize]

namespace Samples.Testing;

[TestClass]
public sealed class PoolTests
{
    [TestMethod]
    public void ConnectionsAreLetGo()
    {
        using HeapCheckpoint checkpoint = HeapAssert.Checkpoint();
        UseConnections(Pool.Open);
        checkpoint.NoSurvivors<Connection>();
    }

    /// <summary>Expected to fail: OpenLeaky keeps every connection, and the failure names Pool.s_idle.</summary>
    [TestMethod]
    [TestCategory("ExpectedToFail")]
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
            Assert.AreEqual(256, connection.Capacity);
        }
    }
}
