using Microsoft.Diagnostics.Runtime;

namespace Heapmon.Heap;

/// <summary>
/// The types met by one graph walk, as dense indexes: a name and, for types holding references,
/// their <see cref="GcLayout"/>. Built under the walk lock; allocates only for a type seen for the first time.
/// </summary>
internal sealed class TypeTable
{
    private readonly Dictionary<ulong, int> _byMethodTable = new(4096);
    private readonly List<string> _names = new(4096);
    private readonly List<GcLayout?> _layouts = new(4096);
    private ulong _lastMethodTable;
    private int _lastIndex = -1;

    /// <summary>Types seen.</summary>
    public int Count => _names.Count;

    /// <summary>The name of type <paramref name="index"/>.</summary>
    public string Name(int index) => _names[index];

    /// <summary>Where type <paramref name="index"/> keeps references; null when it has none.</summary>
    public GcLayout? Layout(int index) => _layouts[index];

    /// <summary>The index of <paramref name="info"/>'s type, added on first sight.</summary>
    public int IndexOf(MethodTableInfo info, ClrRuntime runtime)
    {
        if (info.MethodTable == _lastMethodTable && _lastIndex >= 0) return _lastIndex;
        if (!_byMethodTable.TryGetValue(info.MethodTable, out int index))
        {
            index = _names.Count;
            _byMethodTable[info.MethodTable] = index;
            _names.Add(info.Name);
            bool references = runtime.GetTypeByMethodTable(info.MethodTable)?.ContainsPointers == true;
            _layouts.Add(references ? GcLayout.Read(info.MethodTable) : null);
        }
        _lastMethodTable = info.MethodTable;
        _lastIndex = index;
        return index;
    }

    /// <summary>Every name, by index.</summary>
    public string[] Names() => [.. _names];
}
