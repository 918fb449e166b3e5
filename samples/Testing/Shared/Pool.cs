namespace Samples.Testing;

/// <summary>A connection the code under test opens and should give back.</summary>
public sealed class Connection : IDisposable
{
    private readonly byte[] _buffer = new byte[256];

    public int Id { get; } = Pool.NextId();

    public int Capacity => _buffer.Length;

    public void Dispose() => Pool.Return(this);
}

/// <summary>A pool with a deliberate bug: <see cref="OpenLeaky"/> keeps every connection it ever made.</summary>
public static class Pool
{
    private static readonly List<Connection> s_idle = [];
    private static int s_next;

    internal static int NextId() => Interlocked.Increment(ref s_next);

    /// <summary>Opens a connection; disposing it lets it go.</summary>
    public static Connection Open() => new();

    /// <summary>Opens a connection and (the bug) also keeps it in the idle list forever.</summary>
    public static Connection OpenLeaky()
    {
        var connection = new Connection();
        s_idle.Add(connection);
        return connection;
    }

    internal static void Return(Connection connection)
    {
        // Nothing to give back for a connection that was never pooled.
    }
}
