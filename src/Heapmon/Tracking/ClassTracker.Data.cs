using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Heapmon.Model;

namespace Heapmon.Tracking;

public sealed partial class ClassTracker
{
    /// <summary>
    /// Everything recorded so far as plain data: snapshots, tracked classes and every tracked object
    /// with its lifetime and size series, and traced classes' instantiation sites as sampled so far (what Pympler's Stats reads from a tracker). Keeps nothing alive.
    /// </summary>
    public TrackerData ToData()
    {
        FlushTraces();
        lock (_lock)
        {
            RefreshSitesLocked();
            var classes = _classes.All.Select(c => new TrackedClassRecord(c.Name, c.Level, c.Trace, c.Trace ? c.Sites : [])).ToList();
            var cursors = _samples.Select(s => s.Read()).ToArray();
            var objects = new List<TrackedObjectRecord>();
            int count = _slots.Count;
            for (int slot = 0; slot < count; slot++)
            {
                if ((_slots.Flags(slot) & SlotFlags.Ignored) != 0) continue;
                var samples = new List<SizeSample>();
                for (int s = 0; s < cursors.Length; s++)
                    if (cursors[s].TryGet(slot, out long size, out long flat, out ReferentNode? tree))
                        samples.Add(new SizeSample(s, size, flat, tree));
                int label = _slots.Label(slot);
                long death = _slots.Death(slot);
                objects.Add(new TrackedObjectRecord(
                    Id: slot + 1,
                    ClassName: _classes.ClassName(label),
                    Name: _names.GetValueOrDefault(slot) ?? $"{_classes.ShortName(label)}#{slot + 1}",
                    Birth: new DateTimeOffset(_slots.Birth(slot), TimeSpan.Zero),
                    Death: death == 0 ? null : new DateTimeOffset(death, TimeSpan.Zero),
                    ResolutionLevel: _slots.Level(slot),
                    Samples: samples,
                    Trace: null));
            }
            return new TrackerData(s_run.Value with { Started = StartedAt() }, _snapshots.ToArray(), classes, objects);
        }
    }

    private DateTimeOffset StartedAt()
    {
        try
        {
            using Process self = Process.GetCurrentProcess();
            return new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return _started;
        }
    }

    private static readonly Lazy<RunInfo> s_run = new(() =>
    {
        using Process self = Process.GetCurrentProcess();
        string version = typeof(ClassTracker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        return new RunInfo(self.ProcessName, Environment.ProcessId, Environment.CommandLine,
            RuntimeInformation.FrameworkDescription, version.Split('+')[0], default);
    });
}
