using System.CommandLine;
using Heapmon.Sizing;

namespace Heapmon.Cli.Commands;

/// <summary>`heapmon size --demo`: the per-referent size tree of a demo graph (Pympler: asized).</summary>
internal static class SizeCommand
{
    public static Command Create(CliContext context)
    {
        var demo = new Option<bool>("--demo") { Description = "Size the built-in demo graph (a small library catalogue)." };
        var detail = CliOptions.WholeNumber("--detail", "-d", "LEVELS", "Levels of referents to list; deeper objects are folded into their ancestor.", 2);
        var reachable = new Option<bool>("--reachable") { Description = "Count everything reachable (SizingOptions.Reachable) instead of what the graph owns." };
        var command = new Command("size", "Print the per-referent size tree of an object graph.") { demo, detail, reachable };
        command.WithExamples("heapmon size --demo --detail 3");
        command.SetAction(parse =>
        {
            if (!parse.GetValue(demo))
                throw new CliUsageException("size needs --demo: sizing objects of another process is not supported; in your own code call ObjectSize.Measure(obj, detail).");
            int levels = parse.GetValue(detail);
            SizingOptions options = parse.GetValue(reachable) ? SizingOptions.Reachable : SizingOptions.Default;
            DemoLibrary library = DemoLibrary.Create();
            SizedObject tree = ObjectSize.Measure(library, levels, options);
            context.Output.WriteLine($"Demo graph: a library of {library.Books.Count} books by {library.Authors.Count} authors, sized to detail {levels}.");
            context.Output.WriteLine();
            tree.Format(context.Output);
            GC.KeepAlive(library);
            return 0;
        });
        return command;
    }

    /// <summary>The demo graph: shared authors, a cycle back from authors to books, a closure, an event subscriber and a byte buffer.</summary>
    internal sealed class DemoLibrary
    {
        public required string Name { get; init; }
        public required Dictionary<string, DemoBook> Books { get; init; }
        public required List<DemoAuthor> Authors { get; init; }
        public required byte[] Logo { get; init; }
        public required Func<int> CountLoans { get; init; }
        public required Action Changed { get; init; }

        public static DemoLibrary Create()
        {
            // Strings are built at run time: literals are frozen by the runtime and not counted by default.
            static string Text(string s) => new(s.AsSpan());
            var authors = new List<DemoAuthor>
            {
                new() { Name = Text("Ada Lovelace") },
                new() { Name = Text("Alan Turing") },
                new() { Name = Text("Grace Hopper") },
            };
            var books = new Dictionary<string, DemoBook>();
            for (int i = 0; i < 12; i++)
            {
                DemoAuthor author = authors[i % authors.Count];
                var book = new DemoBook
                {
                    Title = Text($"Volume {i + 1} of the collected notes"),
                    Author = author,
                    Tags = [Text("computing"), Text(i % 2 == 0 ? "history" : "mathematics")],
                    Pages = new int[50 + 25 * i],
                };
                author.Books.Add(book);
                books.Add(Text($"isbn-{1000 + i}"), book);
            }
            var loans = new List<DateTime> { DateTime.UnixEpoch, DateTime.UnixEpoch.AddDays(1) };
            return new DemoLibrary
            {
                Name = Text("Analytical Engine Library"),
                Books = books,
                Authors = authors,
                Logo = new byte[4096],
                CountLoans = () => loans.Count,
                Changed = new DemoWindow().Refresh, // a subscriber: counted only with --reachable
            };
        }
    }

    /// <summary>A window subscribed to the library's changes: referred to, not owned.</summary>
    internal sealed class DemoWindow
    {
        private readonly byte[] _pixels = new byte[2048];

        public void Refresh() => _pixels[0]++;
    }

    /// <summary>A book of the demo graph.</summary>
    internal sealed class DemoBook
    {
        public required string Title { get; init; }
        public required DemoAuthor Author { get; init; }
        public required string[] Tags { get; init; }
        public required int[] Pages { get; init; }
    }

    /// <summary>An author of the demo graph, referring back to their books.</summary>
    internal sealed class DemoAuthor
    {
        public required string Name { get; init; }
        public List<DemoBook> Books { get; } = [];
    }
}
