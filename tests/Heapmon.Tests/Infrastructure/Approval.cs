namespace Heapmon.Tests;

/// <summary>
/// The one approval mechanism (after Serilog's approval tests): a rendering is compared with a copy
/// approved by a person and committed. On a difference the new rendering is written beside the approved
/// file as <c>NAME.received.EXT</c> (ignored by git) for a diff; to approve it, copy it over the approved
/// file, or run once with HEAPMON_APPROVE=1, which writes the approved file and fails so it is looked at.
/// </summary>
internal static class Approval
{
    /// <summary>Asserts that <paramref name="actual"/> equals the approved file at <paramref name="approvedPath"/> (a path under the repository).</summary>
    public static void Verify(string approvedPath, string actual)
    {
        string path = Path.Combine(TestPaths.RepoRoot, approvedPath);
        string received = path.Replace(".approved.", ".received.", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("HEAPMON_APPROVE") == "1" || !File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            File.Delete(received);
            Assert.Fail($"Wrote {path}; look at it, then run the test again.");
        }
        string approved = File.ReadAllText(path).Replace("\r", "", StringComparison.Ordinal);
        if (approved == actual) File.Delete(received);
        else File.WriteAllText(received, actual);
        Assert.Equal(approved, actual);
    }
}
