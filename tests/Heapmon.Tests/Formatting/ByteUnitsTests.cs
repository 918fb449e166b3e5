namespace Heapmon.Tests.Formatting;

public sealed class ByteUnitsTests
{
    [Theory]
    [InlineData(0, "      0   B")]
    [InlineData(344, "    344   B")]
    [InlineData(1023, "   1023   B")]
    [InlineData(1024, "   1.00 KiB")]
    [InlineData(4864, "   4.75 KiB")]
    [InlineData(1_279_262, "   1.22 MiB")]
    [InlineData(-4864, "  -4.75 KiB")]
    public void AlignedMatchesPymplerLayout(long bytes, string expected)
    {
        Assert.Equal(expected, ByteUnits.Aligned(bytes));
        Assert.Equal(11, ByteUnits.Aligned(bytes).Length);
    }

    [Theory]
    [InlineData(576, false, "576 B")]
    [InlineData(10 * 1024 - 1, false, "10239 B")]
    [InlineData(10 * 1024, false, "10.0 KiB")]
    [InlineData(7.5 * 1024 * 1024, false, "7680 KiB")]
    [InlineData(93.0 * 1024 * 1024, false, "93.0 MiB")]
    [InlineData(150.0 * 1024 * 1024, false, "150 MiB")]
    [InlineData(2048, true, "+2048 B")]
    [InlineData(-50 * 1024, true, "-50.0 KiB")]
    public void CompactMatchesTracemallocLayout(double bytes, bool sign, string expected)
        => Assert.Equal(expected, ByteUnits.Compact(bytes, sign));
}
