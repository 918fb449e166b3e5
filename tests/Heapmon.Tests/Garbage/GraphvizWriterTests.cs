using System.Xml.Linq;
using Heapmon.Garbage;

namespace Heapmon.Tests.Garbage;

public sealed class GraphvizWriterTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    /// <summary>A fixed report: a ring of two and a self-reference, with names that need escaping.</summary>
    private static CycleReport FixedReport()
    {
        var a = new HeapObjectInfo(0x1000, "My.Node<System.String>", 32, "\"quoted\" \\ back\\slash\nnew line");
        var b = new HeapObjectInfo(0x1020, "My.Node<System.String>", 32, null);
        var c = new HeapObjectInfo(0x2000, "My.Self", 24, "\\N is not a node name");
        return new CycleReport(
            [
                new ReferenceCycle(2, [a, b], [new ObjectReference(0, 1, "<Next>k__Field\"x\""), new ObjectReference(1, 0, "[3]")]),
                new ReferenceCycle(1, [c], [new ObjectReference(0, 0, "self")]),
            ],
            ObjectsExamined: 3, ReferencesExamined: 3, Complete: true);
    }

    [Fact]
    public void QuotingEscapesQuotesAndBackslashesAndKeepsLineBreaksAsDotLineBreaks()
    {
        Assert.Equal("\"a\\\"b\"", GraphvizWriter.Quote("a\"b"));
        Assert.Equal("\"a\\\\b\"", GraphvizWriter.Quote("a\\b"));
        Assert.Equal("\"a\\nb\"", GraphvizWriter.Quote("a\r\nb"));
        Assert.Equal("\"ab\"", GraphvizWriter.Quote("a\u0001b"));
    }

    [Fact]
    public void TheDotTextOfAFixedReport()
    {
        string dot = GraphvizWriter.ToDot(FixedReport());
        Assert.Equal(
            """
            digraph garbage {
              label="2 reference cycles among 3 objects";
              labelloc=t;
              node [shape=box, fontname="monospace", fontsize=10];
              edge [fontname="monospace", fontsize=9];
              subgraph cluster_0 {
                label="cycle 1: 2 objects, 64 B";
                o1000 [label="My.Node<System.String>\n\"quoted\" \\ back\\slash\nnew line\n32 B"];
                o1020 [label="My.Node<System.String>\n32 B"];
              }
              o1000 -> o1020 [label="<Next>k__Field\"x\""];
              o1020 -> o1000 [label="[3]"];
              subgraph cluster_1 {
                label="cycle 2: 1 object, 24 B";
                o2000 [label="My.Self\n\\N is not a node name\n24 B"];
              }
              o2000 -> o2000 [label="self"];
            }

            """.ReplaceLineEndings("\n"), dot.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void TheRealDotParsesTheFileAndRendersEveryNodeEdgeAndLabelToSvg()
    {
        Assert.True(GraphvizWriter.IsDotInstalled, "Graphviz's dot must be installed for this test (.ci/run installs it).");
        string dir = TestPaths.NewTempDirectory("dot");
        string dotFile = Path.Combine(dir, "leakgraph.dot"), svgFile = Path.Combine(dir, "leakgraph.svg");
        GraphvizWriter.Write(dotFile, FixedReport());
        GraphvizWriter.Render(dotFile, svgFile);

        XDocument svg = XDocument.Load(svgFile);
        var titles = svg.Descendants(s_svg + "g")
            .Where(g => (string?)g.Attribute("class") is "node" or "edge")
            .Select(g => (Class: (string)g.Attribute("class")!, Title: (string)g.Element(s_svg + "title")!))
            .ToList();
        Assert.Equal(["o1000", "o1020", "o2000"], titles.Where(t => t.Class == "node").Select(t => t.Title).Order());
        Assert.Equal(["o1000->o1020", "o1020->o1000", "o2000->o2000"], titles.Where(t => t.Class == "edge").Select(t => t.Title.Replace("&#45;", "-")).Order());
        // The escaped texts come back out of dot exactly as they went in.
        string[] texts = svg.Descendants(s_svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("\"quoted\" \\ back\\slash", texts);
        Assert.Contains("\\N is not a node name", texts);
        Assert.Contains("<Next>k__Field\"x\"", texts);
        Assert.Contains("cycle 1: 2 objects, 64 B", texts);
    }

    [Fact]
    public void RenderingWithoutGraphvizSaysHowToInstallIt()
    {
        string dir = TestPaths.NewTempDirectory("nodot");
        string dotFile = Path.Combine(dir, "g.dot");
        GraphvizWriter.Write(dotFile, FixedReport());
        var e = Assert.Throws<FileNotFoundException>(() => GraphvizWriter.Render(dotFile, Path.Combine(dir, "g.svg"), pathVariable: dir));
        Assert.Contains("apt-get install graphviz", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "g.svg")));
        Assert.Null(GraphvizWriter.FindDot(dir));
    }

    [Fact]
    public void BadDotInputAndBadFormatsAreClearErrorsAndLeaveNoFile()
    {
        string dir = TestPaths.NewTempDirectory("baddot");
        string dotFile = Path.Combine(dir, "bad.dot");
        File.WriteAllText(dotFile, "digraph { a -> ");
        var e = Assert.Throws<IOException>(() => GraphvizWriter.Render(dotFile, Path.Combine(dir, "bad.svg")));
        Assert.Contains("could not render", e.Message);
        Assert.Empty(Directory.GetFiles(dir, "*.svg*"));
        Assert.Throws<ArgumentException>(() => GraphvizWriter.Render(dotFile, Path.Combine(dir, "bad.gif")));
    }
}
