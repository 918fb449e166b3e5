using System.Runtime.CompilerServices;

namespace Heapmon.Sizing;

/// <summary>How references are laid out in instances of one type, read once from its GC descriptor.</summary>
internal enum ReferenceKind
{
    /// <summary>No references (strings, primitive arrays, plain structs).</summary>
    None,

    /// <summary>References at fixed offsets (classes, boxed structs, inline arrays).</summary>
    Fixed,

    /// <summary>Runs of references whose length grows with the array (arrays of references).</summary>
    Series,

    /// <summary>A repeating pattern per element (arrays of structs that hold references).</summary>
    Repeating,
}

/// <summary>
/// Everything the walk needs about one MethodTable: sizes, where the references are (from the GC's own
/// descriptor, so structs, inline arrays and arrays of structs are exact) and how the options treat it.
/// </summary>
internal sealed class TypeLayout
{
    private Dictionary<int, string>? _fieldNames;

    private TypeLayout(Type type) => Type = type;

    public Type Type { get; }
    public uint BaseSize { get; private init; }
    public uint ComponentSize { get; private init; }
    public ReferenceKind Kind { get; private init; }

    /// <summary>Fixed: data-relative offsets of each reference. Series: (data-relative start, size adjustment) pairs.</summary>
    public nint[] Offsets { get; private init; } = [];

    /// <summary>Repeating: data-relative offset of the first reference.</summary>
    public nint RepeatStart { get; private init; }

    /// <summary>Repeating: (references, bytes to skip) pairs, repeated until the end of the array.</summary>
    public uint[] Pattern { get; private init; } = [];

    /// <summary>Data-relative offset of a delegate's target when it follows its own rule, else -1.</summary>
    public nint TargetOffset { get; private init; } = -1;

    /// <summary>Never counted nor traversed when reached (a stop type).</summary>
    public bool Stop { get; private init; }

    /// <summary>Instances may sit in a frozen segment and must be checked one by one.</summary>
    public bool CheckFrozen { get; private init; }

    /// <summary>Interned strings must be checked one by one.</summary>
    public bool CheckInterned { get; private init; }

    /// <summary>A compiler-generated class: a closure that a delegate target may lead into.</summary>
    public bool IsClosure { get; private init; }

    /// <summary>Reaching an instance needs more than the seen-set test (any of the flags above, or a predicate).</summary>
    public bool Special { get; private init; }

    /// <summary>No references and no rule but the frozen check: counted where it is reached, never pushed.</summary>
    public bool PlainLeaf { get; private init; }

    /// <summary>Data-relative offset of the first array element (arrays only).</summary>
    public nint ElementStart => (nint)BaseSize - 2 * IntPtr.Size;

    public static unsafe TypeLayout Create(nint mt, Type type, SizingOptions options)
    {
        uint flags = *(uint*)mt;
        uint baseSize = *(uint*)(mt + 4);
        uint componentSize = (flags & ObjectLayout.HasComponentSize) != 0 ? flags & 0xFFFF : 0;
        ReferenceKind kind = ReferenceKind.None;
        nint[] offsets = [];
        nint repeatStart = 0;
        uint[] pattern = [];
        if ((flags & ObjectLayout.ContainsGCPointers) != 0)
            ReadGCDescriptor(mt, baseSize, componentSize, out kind, out offsets, out repeatStart, out pattern);

        nint targetOffset = -1;
        if (options.DelegateTargets != DelegateTargets.All && typeof(Delegate).IsAssignableFrom(type) && kind == ReferenceKind.Fixed)
        {
            // Delegate._target is the first reference field of every delegate.
            targetOffset = s_delegateTargetOffset;
            offsets = offsets.Where(o => o != targetOffset).ToArray();
        }

        bool stop = IsStopType(type, options.StopAtTypes);
        // The runtime freezes string literals, Type objects and reference-free objects that static
        // constructors allocate (the JIT's MAYBEFROZEN helpers, e.g. empty arrays): only those need checking.
        bool checkFrozen = !options.CountFrozen && (kind == ReferenceKind.None || typeof(Type).IsAssignableFrom(type));
        bool checkInterned = !options.CountInternedStrings && type == typeof(string);
        return new TypeLayout(type)
        {
            BaseSize = baseSize,
            ComponentSize = componentSize,
            Kind = kind,
            Offsets = offsets,
            RepeatStart = repeatStart,
            Pattern = pattern,
            TargetOffset = targetOffset,
            Stop = stop,
            CheckFrozen = checkFrozen,
            CheckInterned = checkInterned,
            IsClosure = type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false),
            Special = stop || checkFrozen || checkInterned || options.StopWhen is not null,
            PlainLeaf = kind == ReferenceKind.None && !stop && !checkInterned && options.StopWhen is null,
        };
    }

    private static readonly nint s_delegateTargetOffset = FieldNames.OffsetOf(
        typeof(Delegate).GetField("_target", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!);

    private static bool IsStopType(Type type, IReadOnlyList<Type> stopAt)
    {
        foreach (Type stop in stopAt)
        {
            if (stop.IsAssignableFrom(type)) return true;
            if (!stop.IsGenericTypeDefinition) continue;
            for (Type? t = type; t is not null; t = t.BaseType)
                if (t.IsGenericType && t.GetGenericTypeDefinition() == stop) return true;
            if (stop.IsInterface && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == stop)) return true;
        }
        return false;
    }

    /// <summary>
    /// Decodes the CGCDesc that precedes the MethodTable (gcdesc.h): a count of series, then either
    /// (size, start) series of references or, for arrays of structs, a repeating (count, skip) pattern.
    /// </summary>
    private static unsafe void ReadGCDescriptor(nint mt, uint baseSize, uint componentSize,
        out ReferenceKind kind, out nint[] offsets, out nint repeatStart, out uint[] pattern)
    {
        nint series = *(nint*)(mt - IntPtr.Size);
        nint highest = mt - 3 * IntPtr.Size;
        repeatStart = 0;
        pattern = [];
        if (series < 0)
        {
            kind = ReferenceKind.Repeating;
            offsets = [];
            repeatStart = *(nint*)(highest + IntPtr.Size) - IntPtr.Size;
            pattern = new uint[-series * 2];
            for (int i = 0; i < -series; i++)
            {
                pattern[2 * i] = *(uint*)(highest - i * IntPtr.Size);
                pattern[2 * i + 1] = *(uint*)(highest - i * IntPtr.Size + 4);
            }
            return;
        }

        var pairs = new List<(nint Start, nint Adjust)>();
        for (int i = 0; i < series; i++)
        {
            nint s = highest - i * 2 * IntPtr.Size;
            pairs.Add((*(nint*)(s + IntPtr.Size) - IntPtr.Size, *(nint*)s));
        }
        pairs.Sort((a, b) => a.Start.CompareTo(b.Start));
        if (componentSize != 0)
        {
            kind = ReferenceKind.Series;
            offsets = pairs.SelectMany(p => new[] { p.Start, p.Adjust }).ToArray();
            return;
        }
        kind = ReferenceKind.Fixed;
        var list = new List<nint>();
        foreach ((nint start, nint adjust) in pairs)
            for (nint o = 0; o < adjust + baseSize; o += IntPtr.Size) list.Add(start + o);
        offsets = list.ToArray();
    }

    /// <summary>The name of the reference at <paramref name="offset"/> (data-relative) inside <paramref name="obj"/>: a field path or an index.</summary>
    public string NameAt(object obj, nint offset)
    {
        if (ComponentSize == 0)
        {
            _fieldNames ??= FieldNames.ForClass(Type);
            return _fieldNames.TryGetValue((int)offset, out string? name) ? name : $"+0x{offset + IntPtr.Size:x}";
        }
        nint relative = offset - ElementStart;
        long index = relative / ComponentSize;
        string indexText = IndexText((Array)obj, index);
        if (Kind != ReferenceKind.Repeating) return indexText;
        _fieldNames ??= FieldNames.ForStruct(Type.GetElementType()!);
        return _fieldNames.TryGetValue((int)(relative % ComponentSize), out string? field) ? $"{indexText}.{field}" : indexText;
    }

    private static string IndexText(Array array, long index)
    {
        if (array.Rank == 1) return $"[{index}]";
        var parts = new long[array.Rank];
        for (int d = array.Rank - 1; d >= 0; d--)
        {
            long length = array.GetLongLength(d);
            parts[d] = index % length + array.GetLowerBound(d);
            index /= length;
        }
        return $"[{string.Join(',', parts)}]";
    }
}
