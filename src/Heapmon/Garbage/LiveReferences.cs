using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Heapmon.Sizing;

namespace Heapmon.Garbage;

/// <summary>
/// How to read the outgoing references of a live object of one type: a getter per
/// reference-typed field (also fields inside embedded structs), and element loops for arrays.
/// Getters start as reflection and are compiled once the type is hot (compiling costs about a
/// millisecond per type, too much for the many types seen once). Reading through real
/// references is safe whatever the GC does, unlike reading addresses.
/// </summary>
internal sealed class LiveReferences
{
    private static readonly ConcurrentDictionary<Type, LiveReferences> s_cache = new();
    private const int CompileAfter = 256;

    private readonly Type _type;
    private readonly FieldInfo[][] _paths;       // field chains: one field, or a struct field then its inner fields
    private Func<object, object?>[] _getters;
    private int _visits;
    private readonly string[] _names;
    private readonly LiveReferences? _element;   // struct elements of an array that hold references
    private readonly bool _referenceElements;    // object[]-compatible array
    private readonly bool _otherArray;           // multi-dimensional or non-zero-based array

    private LiveReferences(Type type)
    {
        _type = type;
        var paths = new List<FieldInfo[]>();
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
            AddFields(type, [], "", paths, names, depth: 0);
        }
        _paths = [.. paths];
        _names = [.. names];
        _getters = Array.ConvertAll(_paths, Reflect);
        IsLeaf = _getters.Length == 0 && !_referenceElements && !_otherArray;
    }

    /// <summary>True when objects of this type can hold no references (strings, primitive arrays, plain data).</summary>
    public bool IsLeaf { get; }

    public static LiveReferences For(Type type) => s_cache.GetOrAdd(type, static t => new LiveReferences(t));

    /// <summary>Calls <paramref name="visit"/> for each non-null reference held by <paramref name="obj"/>.</summary>
    public void Visit<TState>(object obj, ref TState state, Visitor<TState> visit)
    {
        if (_paths.Length > 0 && ++_visits == CompileAfter) _getters = CompileAll(); // a benign race: either set works
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

    private static void AddFields(Type type, FieldInfo[] outer, string prefix, List<FieldInfo[]> paths, List<string> names, int depth)
    {
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Type ft = field.FieldType;
                if (ft.IsPointer || ft.IsFunctionPointer || ft.IsByRef || ft.IsByRefLike) continue;
                if (!ft.IsValueType)
                {
                    paths.Add([.. outer, field]);
                    names.Add(prefix + FieldNames.Display(field.Name));
                }
                else if (depth < 8 && ContainsReferences(ft))
                {
                    AddFields(ft, [.. outer, field], prefix + FieldNames.Display(field.Name) + ".", paths, names, depth + 1);
                }
            }
        }
    }

    private static Func<object, object?> Reflect(FieldInfo[] path)
    {
        if (path.Length == 1) return path[0].GetValue;
        return obj =>
        {
            object? value = obj;
            foreach (FieldInfo field in path)
            {
                value = field.GetValue(value);
                if (value is null) return null;
            }
            return value;
        };
    }

    private Func<object, object?>[] CompileAll()
    {
        var compiled = new Func<object, object?>[_paths.Length];
        for (int i = 0; i < _paths.Length; i++)
        {
            try
            {
                ParameterExpression obj = Expression.Parameter(typeof(object), "obj");
                Expression access = _type.IsValueType ? Expression.Unbox(obj, _type) : Expression.Convert(obj, _type);
                foreach (FieldInfo field in _paths[i]) access = Expression.Field(access, field);
                compiled[i] = Expression.Lambda<Func<object, object?>>(Expression.Convert(access, typeof(object)), obj).Compile();
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or MemberAccessException or NotSupportedException)
            {
                compiled[i] = _getters[i]; // reflection reads anything; keep it for a field that will not compile
            }
        }
        return compiled;
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
