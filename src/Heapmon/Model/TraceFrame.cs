namespace Heapmon.Model;

/// <summary>One frame of an allocation traceback: source file, line and method (tracemalloc: a (filename, lineno) pair).</summary>
/// <param name="FileName">Source file from the PDB, or <c>&lt;Assembly&gt;</c> when the module has no source lines.</param>
/// <param name="LineNumber">Line number, or 0 when unknown.</param>
/// <param name="Method">The method, as <c>Namespace.Type.Method</c>.</param>
public sealed record TraceFrame(string FileName, int LineNumber, string Method)
{
    /// <summary>The frame as tracemalloc prints it: <c>File.cs:123</c>.</summary>
    public override string ToString() => $"{FileName}:{LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
