namespace Heapmon.Sampling;

/// <summary>What a sampling session records: frames per traceback, runtime frames, the EventPipe buffer.</summary>
/// <param name="TracebackLimit">Frames kept per traceback, most recent first.</param>
/// <param name="IncludeRuntimeFrames">Keep frames inside the shared framework instead of starting at the first user frame.</param>
/// <param name="BufferSizeMB">The EventPipe session's circular buffer.</param>
internal readonly record struct SamplerSettings(int TracebackLimit, bool IncludeRuntimeFrames, int BufferSizeMB);
