using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace Heapmon.Garbage;

/// <summary>
/// How to read the outgoing references of a live object of one type: one compiled getter per
/// reference-typed field (also fields inside embedded structs), and element loops for arrays.
/// Reading through real references is safe whatever the GC does, unlike reading addresses.
/// </summary>
internal sealed class LiveReferences
{
    private static readonly ConcurrentDictionary<Type, LiveReferences> Cache = new();

    private readonly Func<object, object?>[] _getters;
    private readonly string[] _names;
    private readonly LiveReferences? _element;   // struct elements of an array that hold references
    private readonly bool _referenceElements;    // object[]-compatible array
    private readonly bool _otherArray;           // multi-dimensional or non-zero-based array

    private LiveReferences(Type type)
    {
        var getters = new List<Func<object, object?>>();
        var names = new List<string>();
        if (type.IsArray)
        {
            Type element = type.GetElementType()!;
            bool sz = type.IsSZArray;
            if (!element.IsValueType && !element.IsPointer) { _referenceElements = sz; _otherArray = !sz; }
            else if (ContainsReferences(element)) { _element = For(element); _otherArray = true; }
        }
        else if (type != typeof(string))
        {
            ParameterExpression obj = Expression.Parameter(typeof(object), "obj");
            Expression typed = type.IsValueType ? Expression.Unbox(obj, type) : Expression.Convert(obj, type);
            AddFields(type, typed, "", obj, getters, names, depth: 0);
        }
        _getters = [.. getters];
        _names = [.. names];
        IsLeaf = _getters.Length == 0 && !_referenceElements && !_otherArray;
    }

    /// <summary>True when objects of this type can hold no references (strings, primitive arrays, plain data).</summary>
    public bool IsLeaf { get; }

    public static LiveReferences For(Type type) => Cache.GetOrAdd(type, static t => new LiveReferences(t));

    /// <summary>Calls <paramref name="visit"/> for each non-null reference held by <paramref name="obj"/>.</summary>
    public void Visit<TState>(object obj, ref TState state, Visitor<TState> visit)
    {
        Func<object, object?>[] getters = _getters;
        for (int i = 0; i < getters.Length; i++)
        {
            object? child = getters[i](obj);
            if (child is not null) visit(ref state, child, i);
        }
        if (_referenceElements)
        {
            object?[] array = System.Runtime.CompilerServices.Unsafe.As<object?[]>(obj);
            for (int i = 0; i < array.Length; i++)
            {
                object? child = array[i];
                if (child is not null) visit(ref state, child, ~i);
            }
        }
        else if (_otherArray)
        {
            int i = 0;
            foreach (object? item in (Array)obj)
            {
                if (item is not null)
                {
                    if (_element is null) visit(ref state, item, ~i);
                    else foreach (object child in _element.FieldValues(item)) visit(ref state, child, ~i);
                }
                i++;
            }
        }
    }

    /// <summary>The non-null field values of <paramref name="obj"/> (a boxed struct element of an array).</summary>
    private IEnumerable<object> FieldValues(object obj)
    {
        foreach (Func<object, object?> getter in _getters)
            if (getter(obj) is { } child) yield return child;
    }

    /// <summary>The value of a string field that names the object (Name, Title, Heading, Key, Id), or null.</summary>
    public string? NamingField(object obj)
    {
        for (int i = 0; i < _names.Length; i++)
            if (Array.IndexOf(NamingFields, _names[i]) >= 0 && _getters[i](obj) is string value)
                return value;
        return null;
    }

    /// <summary>Fields whose string value is shown as an object's name in reports, as Heapmonitor showed a repr.</summary>
    internal static readonly string[] NamingFields = ["Name", "Title", "Heading", "Key", "Id", "name", "title", "heading", "key", "id", "_name", "_title", "_key", "_id"];

    /// <summary>The field name for a label passed to a visitor: a field path, or "[i]" for an array element.</summary>
    public string Label(int label) => label >= 0 ? _names[label] : "[" + (~label).ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    /// <summary>Receives one reference: the child and a label for <see cref="Label"/>.</summary>
    public delegate void Visitor<TState>(ref TState state, object child, int label);

    private static void AddFields(Type type, Expression instance, string prefix, ParameterExpression obj,
        List<Func<object, object?>> getters, List<string> names, int depth)
    {
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Type ft = field.FieldType;
                if (ft.IsPointer || ft.IsFunctionPointer || ft.IsByRef || ft.IsByRefLike) continue;
                if (!ft.IsValueType)
                {
                    Expression access = Expression.Field(instance, field);
                    names.Add(prefix + FieldNames.Display(field.Name));
                    getters.Add(Compile(access, obj, prefix.Length == 0 ? field : null));
                }
                else if (depth < 8 && ContainsReferences(ft))
                {
                    AddFields(ft, Expression.Field(instance, field), prefix + FieldNames.Display(field.Name) + ".", obj, getters, names, depth + 1);
                }
            }
        }
    }

    private static Func<object, object?> Compile(Expression access, ParameterExpression obj, FieldInfo? topLevelField)
    {
        try
        {
            return Expression.Lambda<Func<object, object?>>(Expression.Convert(access, typeof(object)), obj).Compile();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or MemberAccessException or NotSupportedException)
        {
            // Reflection is slower but reads anything; only reached for fields expressions cannot compile.
            // A field nested in a struct that cannot compile is skipped: a missed edge, never a wrong one.
            return topLevelField is not null ? topLevelField.GetValue : static _ => null;
        }
    }

    private static bool ContainsReferences(Type valueType)
    {
        if (valueType.IsPrimitive || valueType.IsEnum || valueType.IsPointer) return false;
        foreach (FieldInfo f in valueType.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Type ft = f.FieldType;
            if (ft.IsPointer || ft.IsFunctionPointer || ft.IsByRef || ft.IsByRefLike) continue;
            if (!ft.IsValueType) return true;
            if (ft != valueType && ContainsReferences(ft)) return true;
        }
        return false;
    }
}
