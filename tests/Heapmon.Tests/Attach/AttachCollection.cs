namespace Heapmon.Tests.Attach;

/// <summary>The attach tests start programs and attach to them; run one at a time, they keep the machine's two cores for the programs they measure.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AttachCollection
{
    public const string Name = "Attach";
}
