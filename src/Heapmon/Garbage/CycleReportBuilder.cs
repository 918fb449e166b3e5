namespace Heapmon.Garbage;

/// <summary>Turns the strongly connected components of a graph into a <see cref="CycleReport"/> of plain records.</summary>
internal static class CycleReportBuilder
{
    public static CycleReport Build(IGraphSubject subject, CycleOptions options, CancellationToken cancel)
    {
        ObjectGraph graph = subject.Graph;
        List<int[]> components = TarjanScc.FindCycles(graph, cancel);
        components.Sort((a, b) => b.Length != a.Length ? b.Length.CompareTo(a.Length) : a[0].CompareTo(b[0]));
        bool complete = subject.Complete && components.Count <= options.MaxCycles;

        var cycles = new List<ReferenceCycle>(Math.Min(components.Count, options.MaxCycles));
        var position = new Dictionary<int, int>(); // reused: most cycles are small and many
        foreach (int[] component in components.Take(options.MaxCycles))
        {
            int listed = Math.Min(component.Length, options.MaxObjectsPerCycle);
            position.Clear();
            var objects = new HeapObjectInfo[listed];
            for (int i = 0; i < listed; i++)
            {
                position[component[i]] = i;
                objects[i] = subject.Describe(component[i]);
            }
            var references = new List<ObjectReference>();
            for (int i = 0; i < listed; i++)
            {
                int from = component[i];
                ReadOnlySpan<int> successors = graph.Successors(from);
                for (int k = 0; k < successors.Length; k++)
                {
                    int to = successors[k];
                    // A target held by two fields (or twice by one array) is listed once, under the first.
                    if (successors[..k].Contains(to) || !position.TryGetValue(to, out int j)) continue;
                    references.Add(new ObjectReference(i, j, subject.FieldName(from, to)));
                }
            }
            cycles.Add(new ReferenceCycle(component.Length, objects, references));
        }
        return new CycleReport(cycles, graph.NodeCount, graph.EdgeCount, complete);
    }
}
