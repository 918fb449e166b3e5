// Breaking reference cycles — the Heapmonitor tutorial, in C#.
//
//   dotnet run --project samples/Garbage                 the tutorial: cycles, what keeps a leak alive, the fix
//   dotnet run --project samples/Garbage -- tutorial leakgraph.dot
//   dotnet run --project samples/Garbage -- finalizers [--after-gc]   JSON report (used by the tests)
//   dotnet run --project samples/Garbage -- stacks                    JSON report (used by the tests)
using System.Runtime.CompilerServices;
using System.Text.Json;
using Heapmon.Garbage;
using GarbageSample;

string mode = args.Length > 0 ? args[0] : "tutorial";
switch (mode)
{
    case "tutorial":
        Tutorial.Run(args.Length > 1 ? args[1] : null);
        return 0;
    case "finalizers":
        Console.WriteLine(JsonSerializer.Serialize(Leaks.Report(afterGc: args.Contains("--after-gc"))));
        return 0;
    case "stacks":
        Console.WriteLine(JsonSerializer.Serialize(Leaks.StackRoot()));
        return 0;
    default:
        Console.Error.WriteLine($"unknown mode '{mode}': use tutorial, finalizers or stacks");
        return 2;
}

namespace GarbageSample
{
    /// <summary>A document whose sections point back to it: one reference cycle per section.</summary>
    internal sealed class Document(string title)
    {
        public string Title = title;
        public List<Section> Sections = [];

        public Section Add(string heading)
        {
            var section = new Section(heading, this);
            Sections.Add(section);
            return section;
        }
    }

    internal sealed class Section(string heading, Document parent)
    {
        public string Heading = heading;
        public Document Parent = parent;
    }

    /// <summary>The same shape with the back reference made weak: no cycle.</summary>
    internal sealed class WeakSection(string heading, WeakDocument parent)
    {
        public string Heading = heading;
        public WeakReference<WeakDocument> Parent = new(parent);
    }

    internal sealed class WeakDocument
    {
        public List<WeakSection> Sections = [];
    }

    /// <summary>A static event: every subscriber's closure stays reachable until it unsubscribes.</summary>
    internal static class Settings
    {
        public static event EventHandler? Changed;

        public static void Raise() => Changed?.Invoke(null, EventArgs.Empty);
    }

    internal static class Tutorial
    {
        public static void Run(string? dotFile)
        {
            var doc = new Document("Heapmon");
            doc.Add("Introduction");
            doc.Add("Usage");
            doc.Add("Tracking Garbage");
            Console.WriteLine("== Cycles among the objects reachable from the document");
            CycleReport cycles = CycleFinder.FindAmong([doc]);
            Console.WriteLine(cycles);
            if (dotFile is not null)
            {
                GraphvizWriter.Write(dotFile, cycles);
                Console.WriteLine($"wrote {dotFile}");
            }

            // The leak: a section subscribes to a static event and never unsubscribes.
            Section section = doc.Sections[2];
            Settings.Changed += (_, _) => Console.WriteLine(section.Heading);
            doc = null!;
            Console.WriteLine("== Why is the third section still alive after the document was dropped?");
            Console.WriteLine(RetentionPaths.Find(section));

            // The fix for the cycles: make the back reference weak.
            var weak = new WeakDocument();
            weak.Sections.Add(new WeakSection("Introduction", weak));
            Console.WriteLine("== With a weak back reference");
            Console.WriteLine(CycleFinder.FindAmong([weak]));
        }
    }

    /// <summary>A FileStream-like wrapper: a finalizable object owning a finalizable handle.</summary>
    internal sealed class LeakyFile : IDisposable
    {
        private readonly LeakyHandle _handle = new();
        private readonly byte[] _buffer = new byte[64];

        public void Dispose()
        {
            _handle.Dispose();
            GC.SuppressFinalize(this);
        }

        ~LeakyFile() => _buffer[0] = 1;
    }

    internal sealed class LeakyHandle : System.Runtime.InteropServices.SafeHandle
    {
        public LeakyHandle() : base(IntPtr.Zero, ownsHandle: true) => SetHandle(new IntPtr(42));

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle() => true;
    }

    /// <summary>Blocks the finalizer thread, so that objects queued by a GC stay queued while we look.</summary>
    internal sealed class FinalizerGate
    {
        public static readonly ManualResetEventSlim Entered = new();
        public static readonly ManualResetEventSlim Release = new();

        ~FinalizerGate()
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(60));
        }
    }

    internal static class Leaks
    {
        public static readonly List<LeakyFile> Kept = [];

        public static FinalizerGarbageReport Report(bool afterGc)
        {
            if (afterGc)
            {
                MakeGate();
                GC.Collect();
                if (!FinalizerGate.Entered.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the finalizer thread never ran the gate");
            }
            MakeFiles();
            if (afterGc) GC.Collect();
            try
            {
                return FinalizerGarbage.Collect();
            }
            finally
            {
                FinalizerGate.Release.Set();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeGate() => _ = new FinalizerGate();

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeFiles()
        {
            for (int i = 0; i < 100; i++) _ = new LeakyFile();            // forgotten: left to the finalizer
            for (int i = 0; i < 30; i++) new LeakyFile().Dispose();       // disposed: nothing left to finalize
            for (int i = 0; i < 20; i++) Kept.Add(new LeakyFile());       // still in use: not garbage
        }

        public static RetentionReport StackRoot()
        {
            var local = new LeakyHandle();
            RetentionReport report = RetentionPaths.Find(local, options: RetentionOptions.WithStacks);
            GC.KeepAlive(local);
            return report;
        }
    }
}
