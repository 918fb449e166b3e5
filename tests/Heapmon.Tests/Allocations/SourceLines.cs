namespace Heapmon.Tests.Allocations;

/// <summary>Finds lines marked <c>// site:NAME</c> in a source file, so tests never hard-code line numbers.</summary>
internal static class SourceLines
{
    public static Dictionary<string, int> Sites(string relativePath)
    {
        var sites = new Dictionary<string, int>();
        string[] lines = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, relativePath));
        for (int i = 0; i < lines.Length; i++)
        {
            int at = lines[i].IndexOf("// site:", StringComparison.Ordinal);
            if (at >= 0) sites[lines[i][(at + "// site:".Length)..].Trim()] = i + 1;
        }
        return sites;
    }
}
