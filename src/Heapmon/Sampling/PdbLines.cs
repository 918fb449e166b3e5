using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Heapmon.Sampling;

/// <summary>
/// (module, method token, IL offset) → source file and line from the module's portable PDB (beside it or
/// embedded). Module paths are the traced process's; <paramref name="root"/> reaches its files from here
/// (<c>/proc/PID/root</c> for a process in another mount namespace, empty otherwise).
/// </summary>
internal sealed class PdbLines(string root = "") : IDisposable
{
    private readonly Dictionary<string, MetadataReaderProvider?> _readers = new(StringComparer.Ordinal);

    public bool TryGetLine(string modulePath, int methodToken, int ilOffset, out string file, out int line)
    {
        file = "";
        line = 0;
        MetadataReader? reader = Open(modulePath);
        if (reader is null || (methodToken >> 24) != 0x06) return false;
        var handle = MetadataTokens.MethodDebugInformationHandle(methodToken & 0xFFFFFF);
        if (MetadataTokens.GetRowNumber(handle) > reader.MethodDebugInformation.Count) return false;
        SequencePoint? best = null;
        foreach (SequencePoint point in reader.GetMethodDebugInformation(handle).GetSequencePoints())
        {
            if (point.IsHidden) continue;
            if (point.Offset > ilOffset) break;
            best = point;
        }
        if (best is not { } sp) return false;
        file = reader.GetString(reader.GetDocument(sp.Document).Name);
        line = sp.StartLine;
        return true;
    }

    private MetadataReader? Open(string modulePath)
    {
        if (!_readers.TryGetValue(modulePath, out MetadataReaderProvider? provider))
        {
            provider = null;
            string local = root + modulePath;
            try
            {
                if (File.Exists(local))
                {
                    using var stream = File.OpenRead(local);
                    using var pe = new PEReader(stream);
                    if (pe.TryOpenAssociatedPortablePdb(local, path => File.Exists(path) ? File.OpenRead(path) : null, out provider, out _) is false)
                        provider = null;
                }
            }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
            {
                provider = null; // no usable PDB: frames keep their method and module only
            }
            _readers[modulePath] = provider;
        }
        return provider?.GetMetadataReader();
    }

    public void Dispose()
    {
        foreach (MetadataReaderProvider? provider in _readers.Values) provider?.Dispose();
        _readers.Clear();
    }
}
