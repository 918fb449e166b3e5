using System.Runtime.InteropServices;

namespace Heapmon.StartupHook.Session;

/// <summary>
/// While `heapmon run` waits, signals meant for the program reach it: SIGTERM and SIGHUP (and SIGUSR2
/// with <c>--snapshot-on-signal</c>) are passed to the child; SIGINT and SIGQUIT, which a terminal
/// sends to the whole process group, are left to the child alone so heapmon outlives it and returns its code.
/// </summary>
internal sealed partial class SignalRelay : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    private SignalRelay() { }

    public static IDisposable Create(int childPid, bool forwardSnapshotSignal)
    {
        var relay = new SignalRelay();
        if (OperatingSystem.IsWindows()) return relay;
        void Forward(PosixSignal signal, int number) => relay._registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            _ = Kill(childPid, number);
        }));
        Forward(PosixSignal.SIGTERM, 15);
        Forward(PosixSignal.SIGHUP, 1);
        if (forwardSnapshotSignal) Forward((PosixSignal)ProfilerSession.SnapshotSignal, ProfilerSession.SnapshotSignal);
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGQUIT })
            relay._registrations.Add(PosixSignalRegistration.Create(signal, context => context.Cancel = true));
        return relay;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations) registration.Dispose();
    }
}
