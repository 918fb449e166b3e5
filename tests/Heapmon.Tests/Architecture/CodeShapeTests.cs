using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapmon.Tests.Architecture;

/// <summary>
/// Limits that keep the code readable, checked on the sources under src/: no method (or constructor,
/// accessor, local function) longer than 60 lines, and no file of the ClassTracker longer than 250.
/// </summary>
public sealed class CodeShapeTests
{
    private const int MaxMethodLines = 60;

    [Fact]
    public void NoMethodInSrcIsLongerThanSixtyLines()
    {
        var tooLong = new List<string>();
        foreach (string file in SourceFiles())
        {
            SyntaxNode root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (SyntaxNode node in root.DescendantNodes())
            {
                SyntaxNode? body = node switch
                {
                    BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                    AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                    LocalFunctionStatementSyntax f => (SyntaxNode?)f.Body ?? f.ExpressionBody,
                    _ => null,
                };
                if (body is null) continue;
                FileLinePositionSpan span = node.GetLocation().GetLineSpan();
                int lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
                if (lines > MaxMethodLines)
                    tooLong.Add($"{Path.GetRelativePath(TestPaths.RepoRoot, file)}:{span.StartLinePosition.Line + 1} {Name(node)} ({lines} lines)");
            }
        }
        Assert.True(tooLong.Count == 0, $"Methods over {MaxMethodLines} lines:\n" + string.Join("\n", tooLong));
    }

    [Fact]
    public void NoClassTrackerFileIsLongerThan250Lines()
    {
        string[] files = [.. SourceFiles().Where(f => Path.GetFileName(f).StartsWith("ClassTracker", StringComparison.Ordinal))];
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(File.ReadLines(f).Count() <= 250, $"{f}: {File.ReadLines(f).Count()} lines"));
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Name(SyntaxNode node) => node switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
        LocalFunctionStatementSyntax f => f.Identifier.Text + " (local function)",
        AccessorDeclarationSyntax a => a.Keyword.Text + " accessor",
        _ => node.Kind().ToString(),
    };
}
