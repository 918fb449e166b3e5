using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// Reads this process's own memory for ClrMD (docs/heap.md, How it works): ClrMD refuses to attach to
/// its own process, but accepts any <see cref="IDataReader"/>. Modules come from /proc/self/maps;
/// memory is read with process_vm_readv on our own pid, which returns an error instead of faulting
/// when a page is gone.
/// </summary>
internal sealed unsafe partial class SelfDataReader : IDataReader
{
    private readonly int _pid = Environment.ProcessId;
    private ImmutableArray<ModuleInfo> _modules;

    private SelfDataReader() { }

    /// <summary>Opens a ClrMD <see cref="DataTarget"/> over the current process.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux, or no DAC (Native AOT).</exception>
    public static DataTarget CreateDataTarget()
    {
        EnsureSupported();
        return new DataTarget(new SelfDataReader(), LocalFilesOnly.Options);
    }

    /// <summary>Throws a clear <see cref="PlatformNotSupportedException"/> where an in-process walk cannot work.</summary>
    public static void EnsureSupported()
    {
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
            throw new PlatformNotSupportedException(
                "Heapmon cannot walk the heap of a Native AOT program: there is no DAC to describe it.");
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException(
                "Heapmon reads its own heap through /proc and process_vm_readv, which only Linux has; " +
                "on Windows and macOS use DataTarget.CreateSnapshotAndAttach (a dump) instead.");
    }

    public string DisplayName => $"self ({_pid})";
    public bool IsThreadSafe => true;
    public OSPlatform TargetPlatform => OSPlatform.Linux;
    public Architecture Architecture => RuntimeInformation.ProcessArchitecture;
    public int ProcessId => _pid;
    public int PointerSize => IntPtr.Size;

    public IEnumerable<ModuleInfo> EnumerateModules()
    {
        if (_modules.IsDefault)
            _modules = LoadModules();
        return _modules;
    }

    private ImmutableArray<ModuleInfo> LoadModules()
    {
        // The first mapping of each file with offset 0 is where its image (ELF header) starts.
        var builder = ImmutableArray.CreateBuilder<ModuleInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            // address perms offset dev inode path
            string[] parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6) continue;
            string path = parts[5].Trim();
            if (path.Length == 0 || path[0] != '/' || !seen.Add(path)) continue;
            if (ulong.Parse(parts[2], System.Globalization.NumberStyles.HexNumber) != 0)
            {
                seen.Remove(path);
                continue;
            }
            ulong start = ulong.Parse(parts[0].AsSpan(0, parts[0].IndexOf('-')), System.Globalization.NumberStyles.HexNumber);
            ModuleInfo? module = ModuleInfo.TryCreate(this, start, path);
            if (module is not null) builder.Add(module);
        }
        return builder.ToImmutable();
    }

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context) => false;

    public void FlushCachedData() => _modules = default;

    public int Read(ulong address, Span<byte> buffer) => ReadSelf(address, buffer);

    public bool Read<T>(ulong address, out T value) where T : unmanaged
    {
        T result = default;
        bool ok = Read(address, new Span<byte>(&result, sizeof(T))) == sizeof(T);
        value = ok ? result : default;
        return ok;
    }

    public T Read<T>(ulong address) where T : unmanaged => Read(address, out T value) ? value : default;

    public bool ReadPointer(ulong address, out ulong value)
    {
        bool ok = Read(address, out nuint raw);
        value = raw;
        return ok;
    }

    public ulong ReadPointer(ulong address) => ReadPointer(address, out ulong value) ? value : 0;

    /// <summary>Copies <paramref name="buffer"/>.Length bytes from our own address space; 0 on failure, never a fault.</summary>
    internal static int ReadSelf(ulong address, Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        fixed (byte* p = buffer)
        {
            var local = new IoVec { Base = p, Length = (nuint)buffer.Length };
            var remote = new IoVec { Base = (void*)address, Length = (nuint)buffer.Length };
            nint read = process_vm_readv(Environment.ProcessId, &local, 1, &remote, 1, 0);
            return read < 0 ? 0 : (int)read;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint process_vm_readv(int pid, IoVec* local, ulong liovcnt, IoVec* remote, ulong riovcnt, ulong flags);
}
