using Heapmon.Model;
using Heapmon.Stats;
using Heapmon.Tests.Stats;
using Heapmon.Tracking;

namespace Heapmon.Tests.Traces;

/// <summary>How <c>PrintStats</c> shows a traced class's instantiation sites (from plain data: exact text).</summary>
public sealed class SitePrintingTests
{
    private static TrackerData WithSites(params TrackedClassRecord[] classes) => StatsFixtures.Factory() with { Classes = classes, Objects = [] };

    [Fact]
    public void SitesPrintMostFirstWithIntervalSamplesAndTheTopThreeFramesShortened()
    {
        var data = WithSites(
            new TrackedClassRecord("Demo.Orders.Order", 0, false, []),
            new TrackedClassRecord("Demo.Orders.LineItem", 0, true,
            [
                new InstantiationSite(["Demo.Orders.Cart.Add() (/src/Demo/Orders/Cart.cs:31)"], 1, 98.4, 2.6, 548.2),
                new InstantiationSite(
                [
                    "Demo.Orders.Importer.ReadLine(System.String) (/src/Demo/Orders/Importer.cs:88)",
                    "Demo.Orders.Importer.Run() (/src/Demo/Orders/Importer.cs:40)",
                    "Program.Main() (C:\\src\\Demo\\Program.cs:12)",
                    "<Assembly> (<System.Private.CoreLib>:0)",
                ], 1204, 120_512.6, 113_900.2, 127_400.9),
            ]));
        var output = new StringWriter();
        new ConsoleStats(data, output).PrintStats();
        Assert.Equal(
            """
            Demo.Orders.LineItem: instantiation sites (estimated, 95% interval)
              ~120,513 [113,900 .. 127,401] instances, 1,204 samples
                at Importer.ReadLine(...) (Importer.cs:88)
                at Importer.Run() (Importer.cs:40)
                at Program.Main() (Program.cs:12)
                ... 1 more frame
              ~98 [3 .. 548] instances, 1 sample
                at Cart.Add() (Cart.cs:31)

            """.Replace("\r\n", "\n"), output.ToString());
    }

    [Fact]
    public void TheClassFilterAppliesToSitesAndClassesWithoutSitesPrintNothing()
    {
        var data = WithSites(new TrackedClassRecord("Demo.Orders.LineItem", 0, true, [new InstantiationSite(["Main (Program.cs:1)"], 3, 300, 100, 700)]),
            new TrackedClassRecord("Demo.Traced.ButNothingSampled", 0, true, []));
        var output = new StringWriter();
        new ConsoleStats(data, output).PrintStats(filter: "Customer");
        Assert.Equal("", output.ToString());
        new ConsoleStats(data, output).PrintStats(filter: "LineItem");
        Assert.Contains("at Main (Program.cs:1)", output.ToString());
        Assert.DoesNotContain("ButNothingSampled", output.ToString());
    }
}
