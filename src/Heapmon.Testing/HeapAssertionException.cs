namespace Heapmon.Testing;

/// <summary>
/// A memory assertion failed: xunit, NUnit and MSTest all report it as a test failure. The message is
/// made for a CI log: what was expected, what was found, and why the objects are alive
/// (pytest-memray: the failure of limit_memory / limit_leaks).
/// </summary>
public sealed class HeapAssertionException : Exception
{
    /// <summary>A failure with the message shown in the test report.</summary>
    public HeapAssertionException(string message) : base(message)
    {
    }

    /// <summary>A failure with its message and the exception that caused it.</summary>
    public HeapAssertionException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>An empty failure (for serialisers and analyzers that require it).</summary>
    public HeapAssertionException() : base("A memory assertion failed.")
    {
    }
}
