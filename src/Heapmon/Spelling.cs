namespace Heapmon;

/// <summary>"Did you mean" for misspelt keys, options and variables: the nearest known word by edit distance.</summary>
internal static class Spelling
{
    /// <summary>The Levenshtein distance between <paramref name="a"/> and <paramref name="b"/>, in one row of memory.</summary>
    public static int EditDistance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
