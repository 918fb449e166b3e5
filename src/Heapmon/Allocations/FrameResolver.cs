using Microsoft.Diagnostics.Tracing.Etlx;

namespace Heapmon.Allocations;

/// <summary>
/// Turns TraceLog call stacks into tracebacks: method names from the JIT's events, file:line from
/// portable PDBs next to each assembly, cached per code address. Skips native frames (the
/// allocator), the runtime's own frames unless asked, and marks the tracer's allocations.
/// </summary>
internal sealed class FrameResolver(JitLineMap jit, PdbLines pdbs, bool includeRuntimeFrames)
{
    // .../shared/Microsoft.NETCore.App/10.0.x/ → .../shared/: every shared framework (ASP.NET Core too) is "the runtime".
    private static readonly string SharedFrameworks = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", ".."));
    private readonly Dictionary<int, TraceFrame?> _byAddress = [];
    private readonly Dictionary<(string, int, string), TraceFrame> _interned = [];

    private enum Kind { User, Runtime, Tracer, Unknown }

    /// <summary>The traceback, most recent first; null when the allocation is the tracer's own.</summary>
    public TraceFrame[]? Resolve(TraceCallStack? stack, int limit)
    {
        var frames = new List<TraceFrame>(Math.Min(limit, 8));
        TraceFrame? firstRuntime = null;
        for (TraceCallStack? s = stack; s is not null; s = s.Caller)
        {
            TraceCodeAddress address = s.CodeAddress;
            (Kind kind, TraceFrame? frame) = Classify(address);
            if (kind == Kind.Tracer) return null;
            if (frame is null || frames.Count >= limit) continue;
            if (kind == Kind.Runtime && !includeRuntimeFrames)
            {
                firstRuntime ??= frame;
                continue;
            }
            frames.Add(frame);
        }
        // Runtime-only stacks (finalizer, thread pool internals) keep their top runtime frame rather than nothing.
        if (frames.Count == 0 && firstRuntime is not null) frames.Add(firstRuntime);
        return [.. frames];
    }

    private (Kind, TraceFrame?) Classify(TraceCodeAddress address)
    {
        TraceMethod? method = address.Method;
        if (method is null) return (Kind.Unknown, null);
        string name = method.FullMethodName ?? "?";
        if (name.StartsWith("Heapmon.Allocations.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Diagnostics.Tracing.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Diagnostics.NETCore.Client.", StringComparison.Ordinal)
            || name.StartsWith("Microsoft.Diagnostics.Symbols.", StringComparison.Ordinal))
            return (Kind.Tracer, null);
        string? modulePath = address.ModuleFile?.FilePath;
        Kind kind = modulePath is not null && IsRuntimeModule(modulePath) ? Kind.Runtime : Kind.User;
        int key = (int)address.CodeAddressIndex;
        if (!_byAddress.TryGetValue(key, out TraceFrame? frame))
        {
            frame = MakeFrame(address, name, modulePath);
            _byAddress[key] = frame;
        }
        return (kind, frame);
    }

    private TraceFrame MakeFrame(TraceCodeAddress address, string method, string? modulePath)
    {
        string file;
        int line;
        if (jit.TryFind(address.Address, out int token, out int ilOffset, out string? jitModule)
            && (jitModule ?? modulePath) is { } module
            && pdbs.TryGetLine(module, token, ilOffset, out string source, out int sourceLine))
        {
            file = source;
            line = sourceLine;
        }
        else
        {
            // No IL map (precompiled code) or no PDB: the frame still names its assembly.
            file = "<" + (modulePath is null ? address.ModuleName : Path.GetFileNameWithoutExtension(modulePath)) + ">";
            line = 0;
        }
        if (!_interned.TryGetValue((file, line, method), out TraceFrame? frame))
        {
            frame = new TraceFrame(file, line, method);
            _interned.Add((file, line, method), frame);
        }
        return frame;
    }

    private static bool IsRuntimeModule(string path) =>
        path.StartsWith(SharedFrameworks, StringComparison.Ordinal);
}
