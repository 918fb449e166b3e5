using System.CommandLine;
using System.Globalization;
using Heapmon.Heap;
using Spectre.Console;

namespace Heapmon.Cli.Commands;

/// <summary>
/// `heapmon census --demo`: the top types of a heap by bytes, with counts and shares, and the
/// totals per generation (dotnet-dump's dumpheap -stat; Pympler: summary.print_(summarize(get_objects()))).
/// </summary>
internal static class CensusCommand
{
    public static Command Create(CliContext context)
    {
        var demo = new Option<bool>("--demo") { Description = "Build a small demo heap (orders, lines, customers) in this process and take its census." };
        var top = CliOptions.Top("How many types to list.", 15, minimum: 1);
        var pid = CliOptions.Pid("Take the census of this running .NET process (heapmon ps lists them).");
        var command = new Command("census", "Print instance counts and bytes per type of the whole managed heap (like dumpheap -stat).")
        {
            demo, top, pid,
        };
        command.WithExamples("heapmon census --pid 1234 --top 20", "heapmon census --demo --top 10");
        command.SetAction(parse =>
        {
            int count = parse.GetValue(top);
            bool color = context.Color != false;
            if (parse.GetValue(pid) is { } process)
            {
                if (parse.GetValue(demo)) throw new CliUsageException("--demo and --pid each name a heap: give one.");
                return CensusOfProcess.Run(context, process, count, color);
            }
            if (!parse.GetValue(demo))
                throw new CliUsageException("census needs a heap: --pid PID for a running .NET process (heapmon ps lists them), or --demo for the built-in demo heap.");
            DemoHeap heap = DemoHeap.Build();
            HeapCensus census = HeapCensus.Take();
            GC.KeepAlive(heap);
            CensusTable.Render(census, count, context.Output, color);
            return 0;
        });
        return command;
    }
}

/// <summary>Renders a census as two tables; plain data in, text out, so tests can pin the layout.</summary>
internal static class CensusTable
{
    public static void Render(HeapCensus census, int top, TextWriter output, bool color) => Render(CensusRows.Of(census), top, output, color);

    public static void Render(CensusRows census, int top, TextWriter output, bool color)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            // Styles only on a terminal: redirected output and NO_COLOR/--no-color get plain text.
            Ansi = color && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        int longest = census.Types.Take(top).Select(t => t.TypeName.Length).DefaultIfEmpty(0).Max();
        console.Profile.Width = Math.Max(100, longest + 48);

        var types = new Table { Border = TableBorder.Simple };
        types.AddColumn(new TableColumn("Type").NoWrap());
        types.AddColumn(new TableColumn("Count").RightAligned());
        types.AddColumn(new TableColumn("Bytes").RightAligned());
        types.AddColumn(new TableColumn("Share").RightAligned());
        foreach (TypeStatistics t in census.Types.Take(top))
            types.AddRow(Markup.Escape(t.TypeName), Count(t.Count), ByteUnits.Aligned(t.Bytes), Share(t.Bytes, census.TotalBytes));
        int rest = census.Types.Count - top;
        if (rest > 0)
        {
            long restCount = census.Types.Skip(top).Sum(t => t.Count), restBytes = census.Types.Skip(top).Sum(t => t.Bytes);
            types.AddRow($"({Count(rest)} more types)", Count(restCount), ByteUnits.Aligned(restBytes), Share(restBytes, census.TotalBytes));
        }
        types.AddRow(color ? "[bold]Total[/]" : "Total", Count(census.ObjectCount), ByteUnits.Aligned(census.TotalBytes), Share(census.TotalBytes, census.TotalBytes));
        console.Write(types);

        var generations = new Table { Border = TableBorder.Simple };
        generations.AddColumn("Generation");
        generations.AddColumn(new TableColumn("Objects").RightAligned());
        generations.AddColumn(new TableColumn("Bytes").RightAligned());
        foreach (GenerationStatistics g in census.Generations)
            generations.AddRow(g.Generation.ToString(), Count(g.Count), ByteUnits.Aligned(g.Bytes));
        generations.AddRow("Free space", Count(census.FreeCount), ByteUnits.Aligned(census.FreeBytes));
        console.Write(generations);
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Share(long bytes, long total) =>
        total == 0 ? "-" : (100.0 * bytes / total).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}

/// <summary>A census as plain rows: taken here (<c>--demo</c>) or received from an agent (<c>--pid</c>).</summary>
internal sealed record CensusRows(
    IReadOnlyList<TypeStatistics> Types, IReadOnlyList<GenerationStatistics> Generations, long ObjectCount, long TotalBytes, long FreeCount, long FreeBytes)
{
    public static CensusRows Of(HeapCensus census) =>
        new(census.Types, census.Generations, census.ObjectCount, census.TotalBytes, census.FreeCount, census.FreeBytes);
}

/// <summary>The demo heap: a small order book, so the census has recognisable types at the top.</summary>
internal sealed class DemoHeap
{
    private readonly List<Customer> _customers = [];
    private readonly Dictionary<int, Order> _orders = [];

    public static DemoHeap Build()
    {
        var heap = new DemoHeap();
        for (int c = 0; c < 2_000; c++) heap._customers.Add(new Customer(c, $"customer-{c:D5}"));
        for (int o = 0; o < 20_000; o++)
        {
            var order = new Order(o, heap._customers[o % heap._customers.Count]);
            for (int l = 0; l < 1 + o % 5; l++) order.Lines.Add(new OrderLine($"SKU-{(o * 7 + l) % 997:D4}", 1 + l, 9.99m * (l + 1)));
            heap._orders.Add(o, order);
        }
        return heap;
    }

    private sealed record Customer(int Id, string Name);

    private sealed class Order(int id, Customer customer)
    {
        public int Id { get; } = id;
        public Customer Customer { get; } = customer;
        public List<OrderLine> Lines { get; } = new(2);
    }

    private sealed record OrderLine(string Sku, int Quantity, decimal Price);
}
