namespace Heapmon.Sampling;

/// <summary>A position in the sample store: samples taken after it, as long as the store is not cleared.</summary>
/// <param name="Epoch">How many times the store had been cleared.</param>
/// <param name="Index">The number of samples held then.</param>
internal readonly record struct SampleMark(int Epoch, int Index);
