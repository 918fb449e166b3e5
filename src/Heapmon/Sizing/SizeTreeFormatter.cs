using System.Globalization;

namespace Heapmon.Sizing;

/// <summary>
/// Renders a <see cref="SizedObject"/> tree as Pympler prints referents: the indented name padded to 50
/// columns, the deep and flat sizes in aligned human units, the share of the root and the level.
/// </summary>
internal static class SizeTreeFormatter
{
    private const int NameWidth = 50;

    public static void Write(TextWriter writer, SizedObject root)
    {
        writer.WriteLine($"{"referent",-NameWidth} {"size",11} {"flat",11} share level");
        var pending = new Stack<(SizedObject Node, int Level)>();
        pending.Push((root, 0));
        while (pending.Count > 0)
        {
            (SizedObject node, int level) = pending.Pop();
            string name = Truncate(new string(' ', 2 * level) + node.Name);
            long share = root.Size == 0 ? 0 : node.Size * 100 / root.Size;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-NameWidth} {ByteUnits.Aligned(node.Size)} {ByteUnits.Aligned(node.Flat)} {share,4}% [{level}]"));
            for (int i = node.Referents.Count - 1; i >= 0; i--) pending.Push((node.Referents[i], level + 1));
        }
    }

    private static string Truncate(string text) => text.Length <= NameWidth ? text : text[..(NameWidth - 3)] + "...";
}
