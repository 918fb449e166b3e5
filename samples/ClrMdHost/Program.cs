using System.Runtime.Loader;
using Microsoft.Diagnostics.Runtime;

// Uses its own ClrMD (2.x), holds 500 widgets, and lists every copy of ClrMD loaded in the process
// with the load context that holds it.
for (int i = 0; i < 500; i++) ClrMdHost.Widget.All.Add(new ClrMdHost.Widget(i));

// A 2.x-only member: ClrMD 4 renamed DataTarget.LoadDump's options; asking for the 2.x overload proves which copy this is.
bool has2xApi = typeof(DataTarget).GetMethod("LoadDump", [typeof(string), typeof(CacheOptions)]) is not null;
Console.WriteLine($"host uses ClrMD {typeof(DataTarget).Assembly.GetName().Version} (2.x API: {has2xApi})");
foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
    if (assembly.GetName().Name == "Microsoft.Diagnostics.Runtime")
        Console.WriteLine($"loaded {assembly.GetName().Version} in {AssemblyLoadContext.GetLoadContext(assembly)?.Name}");

namespace ClrMdHost
{
    /// <summary>The host's own class, tracked by `heapmon run --track 'ClrMdHost.*'`.</summary>
    public sealed class Widget(int id)
    {
        public int Id { get; } = id;
        public string Label { get; } = "widget " + id;

        /// <summary>Every widget, alive until the process ends.</summary>
        public static List<Widget> All { get; } = [];
    }
}
