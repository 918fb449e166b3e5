using Workload.Nodes;

// A program for `heapmon run` to profile, one behaviour per mode; nothing here refers to Heapmon.
//   build DIRS FILES HOLD_MS  builds DIRS dirs of FILES files, holds them HOLD_MS ms, exits 0
//   quick                     builds 5 x 10 and returns at once (well under 100 ms)
//   cycles                    builds 5 x 10 where every file also depends on its directory: 5 reference cycles
//   exit3                     builds 5 x 10, then Environment.Exit(3)
//   crash                     builds 5 x 10, then throws an unhandled exception
//   echo                      copies stdin to stdout, writes one line to stderr, exits 7
//   wait                      builds 5 x 10, prints "ready PID", then waits to be killed
//   late PATH TYPE N          after start, loads the assembly at PATH and holds N instances of TYPE (ctor(int))
//   assemblies                prints the names of the loaded assemblies
//   env                       prints DOTNET_STARTUP_HOOKS, DOTNET_DiagnosticPorts and the HEAPMON_* variables as this process sees them
//   child                     runs this program's `quick` mode as a child process and exits with its code
string mode = args.Length > 0 ? args[0] : "build";
switch (mode)
{
    case "build":
        s_hold = Tree.Build(Arg(1, 10), Arg(2, 100));
        Console.WriteLine($"built {s_hold.Count} dirs of {Arg(2, 100)} files");
        Thread.Sleep(Arg(3, 0));
        return 0;
    case "quick":
        s_hold = Tree.Build(5, 10);
        return 0;
    case "cycles":
        s_hold = Tree.Build(5, 10);
        foreach (DirNode dir in s_hold)
            foreach (FileNode file in dir.Files) file.Dependencies.Add(dir);
        return 0;
    case "exit3":
        s_hold = Tree.Build(5, 10);
        Environment.Exit(3);
        return 0;
    case "crash":
        s_hold = Tree.Build(5, 10);
        throw new InvalidOperationException("the workload crashed on purpose");
    case "echo":
        using (Stream stdin = Console.OpenStandardInput(), stdout = Console.OpenStandardOutput())
            stdin.CopyTo(stdout);
        Console.Error.WriteLine("workload: a line on stderr");
        return 7;
    case "wait":
        s_hold = Tree.Build(5, 10);
        Console.WriteLine($"ready {Environment.ProcessId}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
        return 0;
    case "late":
        Thread.Sleep(100);
        Type late = System.Reflection.Assembly.LoadFrom(args[1]).GetType(args[2], throwOnError: true)!;
        for (int i = 0; i < Arg(3, 100); i++) s_late.Add(Activator.CreateInstance(late, i)!);
        Console.WriteLine($"loaded {late.Assembly.GetName().Name} late and made {s_late.Count} {late.Name}");
        return 0;
    case "assemblies":
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()) Console.WriteLine(assembly.GetName().Name);
        return 0;
    case "env":
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string key && (key.StartsWith("HEAPMON_", StringComparison.Ordinal) || key is "DOTNET_STARTUP_HOOKS" or "DOTNET_DiagnosticPorts"))
                Console.WriteLine($"{key}={e.Value}");
        return 0;
    case "child":
        using (var child = System.Diagnostics.Process.Start(Environment.ProcessPath!, ["exec", typeof(Program).Assembly.Location, "quick"]))
        {
            child.WaitForExit();
            Console.WriteLine($"child exited with {child.ExitCode}");
            return child.ExitCode;
        }
    default:
        Console.Error.WriteLine($"workload: unknown mode '{mode}'");
        return 64;
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;

partial class Program
{
    /// <summary>Keeps the tree alive until the process ends, so exit snapshots see it.</summary>
    static List<DirNode>? s_hold;

    /// <summary>Instances of a type from an assembly loaded after start.</summary>
    static readonly List<object> s_late = [];
}
