namespace Heapmon.Garbage;

/// <summary>How <see cref="RetentionPaths.Find"/> looks for roots; fixed once the search starts.</summary>
public sealed record RetentionOptions
{
    /// <summary>In-process, without stack roots (dotnet-dump's gcroot -nostacks): fast, no dump file.</summary>
    public static RetentionOptions NoStacks { get; } = new();

    /// <summary>A full snapshot through createdump, so stack roots (locals) are included: ~1 s and a temporary dump file.</summary>
    public static RetentionOptions WithStacks { get; } = new() { IncludeStackRoots = true };

    /// <summary>Take a full snapshot of the process so that stack roots are included.</summary>
    public bool IncludeStackRoots { get; init; }

    /// <summary>Stop the walk after this many objects; the report then says it is incomplete.</summary>
    public int MaxObjects { get; init; } = 50_000_000;
}
