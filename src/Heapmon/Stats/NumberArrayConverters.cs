using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Heapmon.Stats;

/// <summary>
/// Number arrays (<c>long[]</c>, <c>int[]</c>) read straight off the reader into a reused buffer: a
/// stats file is mostly such arrays, and System.Text.Json's general collection path (a list per
/// array, a converter call per element) made up most of the load time.
/// </summary>
/// <remarks>The type tests on <typeparamref name="T"/> are constants to the JIT: each closed type gets only its own branch.</remarks>
internal sealed class NumberArrayConverter<T> : JsonConverter<T[]> where T : unmanaged
{
    [ThreadStatic]
    private static T[]? s_threadBuffer;

    public override T[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected an array of numbers");
        T[] buffer = s_threadBuffer ??= new T[1024];
        int n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !TryGet(ref reader, out T value)) throw new JsonException("expected a whole number");
            if (n == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
                s_threadBuffer = buffer;
            }
            buffer[n++] = value;
        }
        return buffer.AsSpan(0, n).ToArray();
    }

    public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        if (typeof(T) == typeof(long)) foreach (long v in Unsafe.As<long[]>(value)) writer.WriteNumberValue(v);
        else if (typeof(T) == typeof(int)) foreach (int v in Unsafe.As<int[]>(value)) writer.WriteNumberValue(v);
        else throw new NotSupportedException($"Number arrays of {typeof(T)} are not supported.");
        writer.WriteEndArray();
    }

    private static bool TryGet(ref Utf8JsonReader reader, out T value)
    {
        Unsafe.SkipInit(out value);
        if (typeof(T) == typeof(long)) return reader.TryGetInt64(out Unsafe.As<T, long>(ref value));
        if (typeof(T) == typeof(int)) return reader.TryGetInt32(out Unsafe.As<T, int>(ref value));
        throw new NotSupportedException($"Number arrays of {typeof(T)} are not supported.");
    }
}
