using Heapmon.Model;

namespace Heapmon.Sampling;

/// <summary>
/// Turns raw stacks (return addresses, innermost first) into tracebacks: methods from the JIT's
/// events, file:line from portable PDBs, cached per address. Native frames (the allocator) are
/// skipped, and so are the runtime's own frames unless asked; a stack through Heapmon (or the ClrMD,
/// TraceEvent and diagnostics-client code it runs on) is Heapmon's own allocation. Used by the reader thread only.
/// </summary>
internal sealed class FrameResolver(JitLineMap jit, PdbLines pdbs, bool includeRuntimeFrames, string? runtimeDirectory)
{
    // Heapmon's own code in the measured process: the library, the agent, and what they run on.
    private static readonly HashSet<string> s_tracerModules = new(StringComparer.Ordinal)
    {
        "Heapmon", "Heapmon.StartupHook", "Heapmon.StartupHook.Session", "Heapmon.Channel",
        "Microsoft.Diagnostics.Runtime", "Microsoft.Diagnostics.Tracing.TraceEvent", "Microsoft.Diagnostics.NETCore.Client",
    };

    private readonly Dictionary<ulong, (Kind Kind, TraceFrame? Frame)> _byAddress = [];
    private readonly Dictionary<(string, int, string), TraceFrame> _interned = [];
    private string? _sharedFrameworks;

    private enum Kind { User, Runtime, Tracer, Unknown }

    /// <summary>
    /// Fills <paramref name="frames"/> with the traceback, most recent first, and returns how many;
    /// −1 when the allocation is Heapmon's own. Allocates nothing once its addresses are known.
    /// </summary>
    public int Resolve(ReadOnlySpan<ulong> stack, Span<TraceFrame> frames)
    {
        int count = 0, limit = frames.Length;
        TraceFrame? firstRuntime = null;
        foreach (ulong ip in stack)
        {
            if (!_byAddress.TryGetValue(ip, out var resolved)) _byAddress[ip] = resolved = Classify(ip);
            if (resolved.Kind == Kind.Tracer) return -1;
            if (resolved.Frame is null || count >= limit) continue;
            if (resolved.Kind == Kind.Runtime && !includeRuntimeFrames)
            {
                firstRuntime ??= resolved.Frame;
                continue;
            }
            frames[count++] = resolved.Frame;
        }
        // Runtime-only stacks (finalizer, thread pool internals) keep their top runtime frame rather than nothing.
        if (count == 0 && firstRuntime is not null) frames[count++] = firstRuntime;
        return count;
    }

    private (Kind, TraceFrame?) Classify(ulong ip)
    {
        int body = jit.Find(ip);
        if (body < 0) return (Kind.Unknown, null); // native code, stubs, precompiled code without rundown
        string name = jit.Name(body);
        string? modulePath = jit.ModulePath(jit.ModuleId(body));
        if (IsTracer(modulePath, name)) return (Kind.Tracer, null);
        Kind kind = modulePath is not null && SharedFrameworks() is { } shared && modulePath.StartsWith(shared, StringComparison.Ordinal) ? Kind.Runtime : Kind.User;

        string file;
        int line;
        int ilOffset = jit.ILOffset(body, ip);
        if (ilOffset >= 0 && modulePath is not null && pdbs.TryGetLine(modulePath, jit.Token(body), ilOffset, out string source, out int sourceLine))
        {
            file = source;
            line = sourceLine;
        }
        else
        {
            // No IL map (precompiled code) or no PDB: the frame still names its assembly.
            file = "<" + (modulePath is null ? "unknown module" : Path.GetFileNameWithoutExtension(modulePath)) + ">";
            line = 0;
        }
        if (!_interned.TryGetValue((file, line, name), out TraceFrame? frame))
        {
            frame = new TraceFrame(file, line, name);
            _interned.Add((file, line, name), frame);
        }
        return (kind, frame);
    }

    private static bool IsTracer(string? modulePath, string method) => modulePath is not null
        ? s_tracerModules.Contains(Path.GetFileNameWithoutExtension(modulePath))
        // Module unknown (its load was missed): fall back to the namespaces.
        : method.StartsWith("Heapmon.", StringComparison.Ordinal) && !method.StartsWith("Heapmon.Tests", StringComparison.Ordinal)
            || method.StartsWith("Microsoft.Diagnostics.", StringComparison.Ordinal);

    /// <summary>.../shared/Microsoft.NETCore.App/10.0.x/ → .../shared/: every shared framework (ASP.NET Core too) is "the runtime".</summary>
    private string? SharedFrameworks()
    {
        if (_sharedFrameworks is null && (runtimeDirectory ?? jit.RuntimeDirectory) is { } runtime)
            _sharedFrameworks = Path.GetFullPath(Path.Combine(runtime, "..", "..")).TrimEnd('/') + "/";
        return _sharedFrameworks;
    }
}
