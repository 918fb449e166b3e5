using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// ClrMD's file locator for every DataTarget Heapmon opens (this process, a snapshot or dump of it):
/// the DAC and the images are the local files the process loaded, so nothing is downloaded. Without
/// it ClrMD builds its symbol-server client, which would reach for msdl.microsoft.com from inside a
/// profiled program, create a symbol cache folder, and need Azure.Identity's dependencies
/// (System.ClientModel, MSAL), which the Heapmon packages do not ship.
/// </summary>
internal sealed class LocalFilesOnly : IFileLocator
{
    private static readonly LocalFilesOnly s_instance = new();

    private LocalFilesOnly() { }

    /// <summary>Options with this locator, for DataTarget's constructor, LoadDump and CreateSnapshotAndAttach.</summary>
    public static DataTargetOptions Options => new() { FileLocator = s_instance };

    /// <summary>A file the process did not load is not looked for elsewhere.</summary>
    public string? FindPEImage(string fileName, int buildTimeStamp, int imageSize, bool checkProperties) => null;

    /// <inheritdoc cref="FindPEImage(string, int, int, bool)"/>
    public string? FindPEImage(string fileName, SymbolProperties archivedUnder, ImmutableArray<byte> buildIdOrUUID, OSPlatform originalPlatform, bool checkProperties) => null;
}
