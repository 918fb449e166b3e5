using System.Runtime.InteropServices;
using Heapmon.Sampling;

namespace Heapmon.Tests.Allocations;

/// <summary>The sampler's table of compiled code: address → method and IL offset, built from load and IL-map events.</summary>
public sealed class JitLineMapTests
{
    private static void Load(JitLineMap map, ulong id, ulong start, int size, string name, int token = 0x06000001) =>
        map.OnMethodLoad(new MethodLoad(id, moduleId: 7, start, size, token, "App.Type", name, "instance void  (int32)"));

    private static void Map(JitLineMap map, ulong id, params (int Native, int IL)[] entries) =>
        map.OnILMap(id, entries.Length, MemoryMarshal.AsBytes(entries.Select(e => e.IL).ToArray().AsSpan()), MemoryMarshal.AsBytes(entries.Select(e => e.Native).ToArray().AsSpan()));

    [Fact]
    public void AddressesFindTheirMethodWhateverOrderTheLoadsCameIn()
    {
        var map = new JitLineMap();
        Load(map, 3, 0x3000, 0x100, "C");
        Load(map, 1, 0x1000, 0x100, "A");
        Load(map, 2, 0x2000, 0x100, "B");

        Assert.Equal("App.Type.A(int32)", map.Name(map.Find(0x1000)));
        Assert.Equal("App.Type.B(int32)", map.Name(map.Find(0x20FF)));
        Assert.Equal("App.Type.C(int32)", map.Name(map.Find(0x3080)));
        Assert.Equal(-1, map.Find(0x2100)); // between methods
        Assert.Equal(-1, map.Find(0x0FFF));
        Assert.Equal(7ul, map.ModuleId(map.Find(0x1000)));
    }

    [Fact]
    public void TheNewestBodyAtAnAddressWinsAndARundownIsOlderThanTheSession()
    {
        var map = new JitLineMap();
        Load(map, 1, 0x1000, 0x100, "Old");
        Load(map, 2, 0x1000, 0x100, "New"); // code memory reused
        Assert.Equal("App.Type.New(int32)", map.Name(map.Find(0x1010)));

        var rundown = new JitLineMap();
        Load(rundown, 3, 0x1000, 0x100, "Listed");
        Load(rundown, 4, 0x5000, 0x100, "Earlier");
        map.MergeOlder(rundown);
        Assert.Equal("App.Type.New(int32)", map.Name(map.Find(0x1010)));
        Assert.Equal("App.Type.Earlier(int32)", map.Name(map.Find(0x5010)));
        Assert.Equal(4, map.Count);
    }

    [Fact]
    public void AReturnAddressGivesTheILOffsetOfTheCallBeforeIt()
    {
        var map = new JitLineMap();
        Load(map, 1, 0x1000, 0x100, "M");
        Map(map, 1, (0, -2), (10, 0), (20, 5), (40, 12), (60, -3)); // prolog, three statements, epilog
        int m = map.Find(0x1000);

        Assert.Equal(0, map.ILOffset(m, 0x1000 + 15));
        Assert.Equal(0, map.ILOffset(m, 0x1000 + 20));  // returns to 20: the call ended at 19, in the first statement
        Assert.Equal(5, map.ILOffset(m, 0x1000 + 21));
        Assert.Equal(12, map.ILOffset(m, 0x1000 + 70)); // the epilog entry is not a statement
        Assert.Equal(0, map.ILOffset(m, 0x1000 + 5));   // folded into "the prolog": the first statement
    }

    [Fact]
    public void AnILMapBeforeItsLoadIsPairedAndNoMapMeansNoOffset()
    {
        var map = new JitLineMap();
        Map(map, 9, (0, -2), (8, 3));
        Load(map, 9, 0x9000, 0x40, "Early");
        Load(map, 8, 0x8000, 0x40, "Unmapped");
        Load(map, 7, 0x7000, 0x40, "AllUnmapped");
        Map(map, 7, (0, -2), (30, -1), (40, -3));

        Assert.Equal(3, map.ILOffset(map.Find(0x9000), 0x9000 + 12));
        Assert.Equal(-1, map.ILOffset(map.Find(0x8000), 0x8000 + 12));
        Assert.Equal(0, map.ILOffset(map.Find(0x7000), 0x7000 + 12)); // a map with no IL entry: the method's first line
    }

    [Fact]
    public void TheRuntimeFolderComesFromTheCoreLibrarysLoad()
    {
        var map = new JitLineMap();
        map.OnModuleLoad(1, "/app/App.dll");
        Assert.Null(map.RuntimeDirectory);
        map.OnModuleLoad(2, "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.1/System.Private.CoreLib.dll");
        Assert.Equal("/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.1", map.RuntimeDirectory);
        Assert.Equal("/app/App.dll", map.ModulePath(1));
    }
}
