using System.Globalization;
using Heapmon.Model;

namespace Heapmon.Stats;

/// <summary>
/// Per-referent trees of the tracked objects that have a resolution level (Pympler: the Asized trees of
/// track_object(obj, resolution_level=n)): one expandable tree per object, a size column per snapshot.
/// </summary>
internal sealed class ReferentTreeSection(ReportModel model, HtmlStatsOptions options, TextWriter w, CancellationToken cancellationToken)
{
    public static bool HasTree(TrackedObjectRecord o) => o.ResolutionLevel > 0 && o.Samples.Any(s => s.Referents is not null);

    public static string Anchor(TrackedObjectRecord o) => "o" + o.Id.ToString(CultureInfo.InvariantCulture);

    public void Write()
    {
        List<TrackedObjectRecord> candidates = model.Data.Objects.Where(HasTree).ToList();
        w.Write("<section id=\"objects\"><h2>Referent trees</h2>");
        if (candidates.Count == 0)
        {
            w.Write("<p class=\"note\">No tracked object has a resolution level above 0. Track one with a resolution level to see what its size is made of.</p></section>");
            return;
        }
        // The largest first when there are too many; shown in announcement order.
        List<TrackedObjectRecord> shown = candidates
            .OrderByDescending(o => o.Samples.Max(s => s.Size)).ThenBy(o => o.Id)
            .Take(options.MaxReferentTrees)
            .OrderBy(o => o.Id).ToList();
        w.Write(shown.Count < candidates.Count
            ? $"<p class=\"note\">The {HtmlText.Count(shown.Count)} largest of {HtmlText.Count(candidates.Count)} objects with a resolution level.</p>"
            : "<p class=\"note\">Deep size of each referent at each snapshot; ▸ opens a referent.</p>");
        foreach (TrackedObjectRecord o in shown)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteObject(o);
        }
        w.Write("</section>");
    }

    /// <summary>A node merged over the snapshots by its path of referent names.</summary>
    private sealed class Node(string name, string type, int columns)
    {
        public string Name { get; } = name;
        public string Type { get; set; } = type;
        public long?[] Size { get; } = new long?[columns];
        public List<Node> Children { get; } = [];
        public Dictionary<string, Node> ByName { get; } = new(StringComparer.Ordinal);
        public long Largest => Size.Max() ?? 0;
    }

    private void WriteObject(TrackedObjectRecord o)
    {
        List<SizeSample> samples = o.Samples.Where(s => s.Referents is not null).ToList();
        var root = new Node(o.Name, o.ClassName, samples.Count);
        for (int col = 0; col < samples.Count; col++) Merge(root, samples[col].Referents!, col);

        w.Write($"<section class=\"object\" id=\"{Anchor(o)}\"><h3>");
        HtmlText.Write(w, o.Name);
        w.Write(" <span class=\"ty\">");
        HtmlText.Write(w, o.ClassName);
        w.Write($"</span></h3><p class=\"note\">Object {HtmlText.Int(o.Id)}, resolution level {HtmlText.Int(o.ResolutionLevel)}, born {HtmlText.Seconds(model.Seconds(o.Birth))}");
        w.Write(o.Death is { } death ? $", died {HtmlText.Seconds(model.Seconds(death))}.</p>" : ", alive at the end.</p>");
        w.Write("<div class=\"scroll tall\"><table class=\"tree\"><thead><tr><th>Referent</th>");
        foreach (SizeSample s in samples)
        {
            int position = model.PositionOf(s.SnapshotIndex);
            string title = position >= 0 ? new OverviewSection(model, w).PointTitle(position) : "Snapshot " + HtmlText.Int(s.SnapshotIndex);
            w.Write($"<th class=\"n\" title=\"");
            HtmlText.Write(w, title);
            w.Write($"\">#{HtmlText.Int(position >= 0 ? position : s.SnapshotIndex)}</th>");
        }
        w.Write("</tr></thead><tbody>");
        int budget = options.MaxTreeNodes;
        WriteNode(root, 0, ref budget);
        w.Write("</tbody></table></div></section>");
    }

    private static void Merge(Node into, ReferentNode node, int col)
    {
        into.Type = node.Type;
        into.Size[col] = node.Size;
        // Siblings are matched by name across snapshots; a name repeated among siblings is matched by its occurrence.
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (ReferentNode child in node.Children)
        {
            int occurrence = seen[child.Name] = seen.GetValueOrDefault(child.Name) + 1;
            string key = occurrence == 1 ? child.Name : child.Name + "\0" + occurrence.ToString(CultureInfo.InvariantCulture);
            if (!into.ByName.TryGetValue(key, out Node? merged))
            {
                merged = new Node(child.Name, child.Type, into.Size.Length);
                into.ByName.Add(key, merged);
                into.Children.Add(merged);
            }
            Merge(merged, child, col);
        }
    }

    private void WriteNode(Node node, int depth, ref int budget)
    {
        budget--;
        string d = HtmlText.Int(depth);
        w.Write($"<tr data-d=\"{d}\"><th class=\"tn\" scope=\"row\" style=\"--d:{d}\">");
        w.Write(node.Children.Count > 0 ? "<button class=\"tg\" type=\"button\" aria-expanded=\"true\" aria-label=\"Open or close\"></button> " : "<span class=\"leaf\"></span> ");
        HtmlText.Write(w, node.Name);
        w.Write(" <span class=\"ty\">");
        HtmlText.Write(w, node.Type);
        w.Write("</span></th>");
        for (int col = 0; col < node.Size.Length; col++)
        {
            // Kept lean: a tree has a cell per node and snapshot, the bulk of a large report.
            if (node.Size[col] is long size) w.Write($"<td data-v=\"{HtmlText.Int(size)}\">{ByteUnits.Compact(size)}</td>");
            else w.Write("<td></td>");
        }
        w.Write("</tr>");
        List<Node> children = node.Children.OrderByDescending(c => c.Largest).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        for (int i = 0; i < children.Count; i++)
        {
            if (budget <= 0)
            {
                w.Write($"<tr data-d=\"{HtmlText.Int(depth + 1)}\"><th class=\"tn note\" scope=\"row\" style=\"--d:{HtmlText.Int(depth + 1)}\"><span class=\"leaf\"></span> … {HtmlText.Count(children.Count - i)} more referents (over the {HtmlText.Count(options.MaxTreeNodes)}-row limit)</th>");
                w.Write($"<td class=\"n\" colspan=\"{HtmlText.Int(node.Size.Length)}\"></td></tr>");
                return;
            }
            WriteNode(children[i], depth + 1, ref budget);
        }
    }
}
