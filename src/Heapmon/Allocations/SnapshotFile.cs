using System.Globalization;
using System.Text.Json;
using Heapmon.Model;

namespace Heapmon.Allocations;

/// <summary>
/// The snapshot file: UTF-8 JSON with a format name and version, frames and type names interned,
/// read and written through <see cref="VersionedFile"/> (atomic writes, one error style).
/// </summary>
internal static class SnapshotFile
{
    public static string FormatName => FileFormat.Allocations.Name;
    public static int Version => FileFormat.Allocations.Version;

    public static void Write(AllocationSnapshot snapshot, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        VersionedFile.Write(path, FileFormat.Allocations, stream =>
        {
            using var json = new Utf8JsonWriter(stream);
            WriteJson(snapshot, json);
        });
    }

    private static void WriteJson(AllocationSnapshot snapshot, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        VersionedFile.WriteJsonHeader(json, FileFormat.Allocations);
        json.WriteString("timestamp", snapshot.Timestamp.ToString("o", CultureInfo.InvariantCulture));
        json.WriteNumber("pid", snapshot.ProcessId);
        json.WriteNumber("tracebackLimit", snapshot.TracebackLimit);
        json.WriteStartArray("metrics");
        foreach (Metric metric in snapshot.Metrics.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", metric.Name);
            json.WriteNumber("value", metric.Value);
            json.WriteString("format", metric.Format.ToString().ToLowerInvariant());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("stats");
        foreach (var row in snapshot.Rows)
        {
            json.WriteStartArray();
            if (row.FileName is null) json.WriteNullValue(); else json.WriteStringValue(row.FileName);
            json.WriteNumberValue(row.LineNumber);
            json.WriteStringValue(row.TypeName);
            json.WriteNumberValue(row.Stats.Samples);
            json.WriteNumberValue(row.Stats.CountSum);
            json.WriteNumberValue(row.Stats.CountVariance);
            json.WriteNumberValue(row.Stats.SizeSum);
            json.WriteNumberValue(row.Stats.SizeVariance);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        if (snapshot.Traces is { } traces) WriteTraces(traces, json);
        json.WriteEndObject();
    }

    /// <summary>Traces, with their types and frames interned into tables written after them.</summary>
    private static void WriteTraces(IReadOnlyList<AllocationTrace> traces, Utf8JsonWriter json)
    {
        var frames = new Dictionary<TraceFrame, int>();
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        json.WriteStartArray("traces");
        foreach (AllocationTrace trace in traces)
        {
            json.WriteStartArray();
            json.WriteNumberValue(trace.Address);
            json.WriteNumberValue(Intern(types, trace.TypeName));
            json.WriteNumberValue(trace.Size);
            foreach (TraceFrame frame in trace.Traceback) json.WriteNumberValue(Intern(frames, frame));
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteStartArray("types");
        foreach (string type in types.OrderBy(p => p.Value).Select(p => p.Key)) json.WriteStringValue(type);
        json.WriteEndArray();
        json.WriteStartArray("frames");
        foreach (TraceFrame frame in frames.OrderBy(p => p.Value).Select(p => p.Key))
        {
            json.WriteStartArray();
            json.WriteStringValue(frame.FileName);
            json.WriteNumberValue(frame.LineNumber);
            json.WriteStringValue(frame.Method);
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    private static int Intern<T>(Dictionary<T, int> table, T value) where T : notnull
    {
        if (!table.TryGetValue(value, out int index)) table[value] = index = table.Count;
        return index;
    }

    public static AllocationSnapshot Read(string path, bool traces)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return VersionedFile.Read(path, FileFormat.Allocations, content =>
        {
            using JsonDocument document = JsonDocument.Parse(content.Bytes);
            return Parse(document.RootElement, traces);
        });
    }

    private static AllocationSnapshot Parse(JsonElement root, bool withTraces)
    {
        // VersionedFile checked the format and version.
        var timestamp = DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        int pid = root.GetProperty("pid").GetInt32();
        int limit = root.GetProperty("tracebackLimit").GetInt32();
        var metrics = new List<Metric>();
        foreach (JsonElement m in root.GetProperty("metrics").EnumerateArray())
            metrics.Add(new Metric(m.GetProperty("name").GetString()!, m.GetProperty("value").GetDouble(),
                Enum.Parse<MetricFormat>(m.GetProperty("format").GetString()!, ignoreCase: true)));
        var rows = new List<AllocationSnapshot.StatsRow>();
        foreach (JsonElement r in root.GetProperty("stats").EnumerateArray())
        {
            var stats = new AllocationStats(r[3].GetInt32(), r[4].GetDouble(), r[5].GetDouble(), r[6].GetDouble(), r[7].GetDouble());
            rows.Add(new AllocationSnapshot.StatsRow(r[0].ValueKind == JsonValueKind.Null ? null : r[0].GetString(), r[1].GetInt32(), r[2].GetString()!, stats));
        }
        List<AllocationTrace>? traces = null;
        if (withTraces && root.TryGetProperty("traces", out JsonElement traceArray))
        {
            string[] types = [.. root.GetProperty("types").EnumerateArray().Select(t => t.GetString()!)];
            TraceFrame[] frames = [.. root.GetProperty("frames").EnumerateArray().Select(f => new TraceFrame(f[0].GetString()!, f[1].GetInt32(), f[2].GetString()!))];
            var stacks = new Dictionary<string, TraceFrame[]>(StringComparer.Ordinal);
            traces = new List<AllocationTrace>(traceArray.GetArrayLength());
            foreach (JsonElement t in traceArray.EnumerateArray())
            {
                int length = t.GetArrayLength();
                if (length < 3) throw new InvalidDataException("a trace has fewer than 3 fields");
                var traceback = new TraceFrame[length - 3];
                for (int i = 3; i < length; i++) traceback[i - 3] = frames[t[i].GetInt32()];
                traces.Add(new AllocationTrace(t[0].GetInt64(), types[t[1].GetInt32()], t[2].GetInt64(), traceback));
            }
        }
        return new AllocationSnapshot(timestamp, pid, limit, rows, traces, metrics);
    }
}
