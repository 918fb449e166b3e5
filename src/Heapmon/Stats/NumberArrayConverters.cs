using System.Text.Json;
using System.Text.Json.Serialization;

namespace Heapmon.Stats;

/// <summary>
/// Number arrays read straight off the reader into a reused buffer: a stats file is mostly such
/// arrays, and System.Text.Json's general collection path (a list per array, a converter call per
/// element) made up most of the load time.
/// </summary>
internal sealed class Int64ArrayConverter : JsonConverter<long[]>
{
    [ThreadStatic]
    private static long[]? t_buffer;

    public override long[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of numbers");
        long[] buffer = t_buffer ??= new long[1024];
        int n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value)) throw new JsonException("expected a whole number");
            if (n == buffer.Length) t_buffer = buffer = Grow(buffer);
            buffer[n++] = value;
        }
        return buffer.AsSpan(0, n).ToArray();
    }

    public override void Write(Utf8JsonWriter writer, long[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (long v in value) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    private static long[] Grow(long[] buffer)
    {
        var bigger = new long[buffer.Length * 2];
        buffer.CopyTo(bigger, 0);
        return bigger;
    }
}

/// <summary>The <see cref="Int64ArrayConverter"/> for <c>int[]</c>.</summary>
internal sealed class Int32ArrayConverter : JsonConverter<int[]>
{
    [ThreadStatic]
    private static int[]? t_buffer;

    public override int[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of numbers");
        int[] buffer = t_buffer ??= new int[1024];
        int n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int value)) throw new JsonException("expected a whole number");
            if (n == buffer.Length) t_buffer = buffer = Grow(buffer);
            buffer[n++] = value;
        }
        return buffer.AsSpan(0, n).ToArray();
    }

    public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (int v in value) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    private static int[] Grow(int[] buffer)
    {
        var bigger = new int[buffer.Length * 2];
        buffer.CopyTo(bigger, 0);
        return bigger;
    }
}
