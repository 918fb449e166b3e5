namespace Heapmon.Heap;

/// <summary>
/// Decides which MethodTables a discovery wants: exact types, subclasses, every instantiation of an
/// open generic, every implementer of an interface. Decisions are cached per MethodTable.
/// </summary>
internal sealed class TypeMatcher
{
    private readonly Type[] _targets;
    private readonly bool _includeSubclasses;
    private readonly Dictionary<ulong, bool> _decisions = new(1024);

    public TypeMatcher(IReadOnlyCollection<Type> types, bool includeSubclasses)
    {
        ArgumentNullException.ThrowIfNull(types);
        foreach (Type type in types)
        {
            if (type is null) throw new ArgumentException("The type list holds a null.", nameof(types));
            if (type.IsPointer || type.IsByRef || type.IsByRefLike || type.IsGenericParameter || type.ContainsGenericParameters && !type.IsGenericTypeDefinition)
                throw new ArgumentException($"{type} cannot have instances on the heap.", nameof(types));
        }
        _targets = [.. types];
        _includeSubclasses = includeSubclasses;
    }

    /// <summary>Whether objects with this MethodTable are wanted.</summary>
    public bool IsMatch(MethodTableInfo info)
    {
        if (_decisions.TryGetValue(info.MethodTable, out bool wanted)) return wanted;
        wanted = info.ResolveType() is { } type && Matches(type);
        _decisions[info.MethodTable] = wanted;
        return wanted;
    }

    /// <summary>Whether objects with MethodTable <paramref name="methodTable"/> are wanted; it must be a MethodTable ClrMD validated.</summary>
    public bool IsMatch(ulong methodTable)
    {
        if (_decisions.TryGetValue(methodTable, out bool wanted)) return wanted;
        wanted = Matches(Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr((nint)methodTable))!);
        _decisions[methodTable] = wanted;
        return wanted;
    }

    /// <summary>Whether an object of runtime type <paramref name="type"/> is wanted.</summary>
    public bool Matches(Type type)
    {
        foreach (Type target in _targets)
            if (Matches(target, type)) return true;
        return false;
    }

    private bool Matches(Type target, Type type)
    {
        if (target.IsInterface)
        {
            if (!target.IsGenericTypeDefinition) return target.IsAssignableFrom(type);
            foreach (Type implemented in type.GetInterfaces())
                if (implemented.IsGenericType && implemented.GetGenericTypeDefinition() == target) return true;
            return false;
        }
        if (target.IsGenericTypeDefinition)
        {
            for (Type? t = type; t is not null; t = _includeSubclasses ? t.BaseType : null)
                if (t.IsGenericType && t.GetGenericTypeDefinition() == target) return true;
            return false;
        }
        return _includeSubclasses ? target.IsAssignableFrom(type) : target == type;
    }
}
