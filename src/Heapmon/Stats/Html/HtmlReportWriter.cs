using System.Security.Cryptography;
using System.Text;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>Writes the whole document: head with its strict CSP, header, overview, class and object sections, script.</summary>
internal sealed class HtmlReportWriter(TrackerData data, HtmlStatsOptions options, TextWriter w, CancellationToken cancellationToken)
{
    // The page runs exactly one script, allowed by its hash: even if some text escaped encoding,
    // an injected <script> or on* handler could not run, and nothing can be fetched from the network.
    private static readonly string s_scriptHash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(ReportAssets.Script)));

    internal static string ContentSecurityPolicy =>
        $"default-src 'none'; script-src 'sha256-{s_scriptHash}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

    public void Write()
    {
        ReportModel model = ReportModel.Build(data, options.MaxClassSections);
        string title = options.Title ?? "Heapmon report: " + data.Run.ProcessName;

        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.Write($"<meta http-equiv=\"Content-Security-Policy\" content=\"{ContentSecurityPolicy}\">");
        w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">");
        w.Write("<meta name=\"generator\" content=\"Heapmon ");
        HtmlText.Write(w, data.Run.HeapmonVersion);
        w.Write("\"><link rel=\"icon\" href=\"data:,\"><title>");
        HtmlText.Write(w, title);
        w.Write("</title><style>");
        w.Write(ReportAssets.Css);
        w.Write("</style></head>\n<body>");

        WriteHeader(model, title);
        w.Write("<main>");
        cancellationToken.ThrowIfCancellationRequested();
        new OverviewSection(model, w).Write();
        new ClassListSection(model, w).Write();
        foreach (ReportClass c in model.Featured)
        {
            cancellationToken.ThrowIfCancellationRequested();
            new ClassSection(model, c, options, w).Write();
        }
        new ReferentTreeSection(model, options, w, cancellationToken).Write();
        w.Write("</main><div id=\"tip\" role=\"tooltip\" hidden></div><script>");
        w.Write(ReportAssets.Script);
        w.Write("</script></body></html>\n");
    }

    private void WriteHeader(ReportModel model, string title)
    {
        RunInfo run = data.Run;
        w.Write("<header class=\"top\"><div><h1>");
        HtmlText.Write(w, title);
        w.Write("</h1><dl class=\"run\">");
        Item("Process", $"{run.ProcessName} (pid {HtmlText.Int(run.ProcessId)})");
        Item("Command line", run.CommandLine);
        Item("Runtime", run.RuntimeVersion);
        Item("Started", run.Started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        Item("Recorded", $"{HtmlText.Plural(data.Snapshots.Count, "snapshot")}, {HtmlText.Plural(data.Classes.Count, "tracked class", "tracked classes")}, {HtmlText.Plural(data.Objects.Count, "tracked object")}");
        // Contents name the parts; the class list (searchable) leads to each class, however many there are.
        w.Write("</dl><nav class=\"toc\" aria-label=\"Contents\"><a href=\"#overview\">Overview</a><a href=\"#summary\">Summary</a><a href=\"#snapshots\">Snapshots</a>");
        w.Write($"<a href=\"#classes\">Classes ({HtmlText.Count(model.Classes.Count)})</a><a href=\"#objects\">Referent trees</a></nav></div></header>");
    }

    private void Item(string term, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        w.Write($"<dt>{term}</dt><dd>");
        HtmlText.Write(w, value);
        w.Write("</dd>");
    }
}
