namespace Heapmon.Tracking;

/// <summary>The checks of the tracking calls' arguments: bad input is refused before any lock is taken or anything changes.</summary>
internal static class TrackerArguments
{
    /// <summary>The deepest referent tree a resolution level may ask for.</summary>
    public const int MaxLevel = 1000;

    public static void CheckObject(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.GetType().IsValueType)
            throw new ArgumentException($"Cannot track a boxed {TypeNames.Display(obj.GetType())}: the box is a copy that nothing else refers to. Track the object that holds the value.", nameof(obj));
    }

    public static void CheckClass(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsGenericParameter || type.ContainsGenericParameters && !type.IsGenericTypeDefinition || type.IsPointer || type.IsByRef)
            throw new ArgumentException($"Cannot track {type}: only classes, structs (boxed), interfaces and generic type definitions have instances on the heap.", nameof(type));
    }

    public static void CheckLevel(int resolutionLevel, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(resolutionLevel))] string? param = null)
    {
        if (resolutionLevel < 0 || resolutionLevel > MaxLevel)
            throw new ArgumentOutOfRangeException(param, resolutionLevel, "The resolution level is a referent depth from 0 (the object alone) up.");
    }

    public static ClassTrackerOptions CheckOptions(ClassTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}
