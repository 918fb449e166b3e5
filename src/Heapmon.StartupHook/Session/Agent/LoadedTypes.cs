namespace Heapmon.StartupHook.Session.Agent;

/// <summary>Finds a type the program has loaded by the name a user types: a full name, or without a dot a simple one.</summary>
internal static class LoadedTypes
{
    /// <summary>The one type named <paramref name="name"/>; <see cref="KeyNotFoundException"/> with a one-line reason otherwise.</summary>
    public static Type Find(string name)
    {
        string wanted = name.Trim().Replace('+', '.');
        bool full = wanted.Contains('.');
        var found = new List<Type>();
        var near = new List<string>();
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(TypeWatcher.IsProgramAssembly))
        {
            if (full && assembly.GetType(name.Trim(), throwOnError: false) is { } direct)
            {
                found.Add(direct);
                continue;
            }
            bool framework = assembly.GetName().Name is { } n && (n.StartsWith("System.", StringComparison.Ordinal) || n.StartsWith("Microsoft.", StringComparison.Ordinal) || n == "System");
            // The program's own assemblies are searched by simple name, and give the "did you mean"; the framework's only by full name.
            if (full && framework) continue;
            foreach (Type type in TypeWatcher.TypesOf(assembly))
            {
                string candidate = full ? type.FullName?.Replace('+', '.') ?? "" : type.Name;
                if (string.Equals(candidate, wanted, StringComparison.Ordinal)) found.Add(type);
                else if (!framework && !type.Name.Contains('<')) near.Add(candidate);
            }
        }
        found = found.Distinct().ToList();
        if (found.Count == 1) return found[0];
        if (found.Count > 1)
            throw new KeyNotFoundException($"'{name}' names {found.Count} loaded types ({string.Join(", ", found.Select(t => t.FullName).Take(5))}); give the full name.");
        string? guess = near.Count == 0 ? null : near.MinBy(c => Spelling.EditDistance(c, wanted));
        string hint = guess is not null && Spelling.EditDistance(guess, wanted) <= Math.Max(2, wanted.Length / 3) ? $" (did you mean {guess}?)" : "";
        throw new KeyNotFoundException($"no loaded type is named '{name}'{hint}.");
    }
}
