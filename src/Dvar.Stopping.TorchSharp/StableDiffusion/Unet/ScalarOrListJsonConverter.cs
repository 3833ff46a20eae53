using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>Reads a diffusers per-block setting that is either one value for every block or a list with one value per block.</summary>
/// <typeparam name="T">The element type (<see cref="int"/> or <see cref="bool"/>).</typeparam>
/// <remarks>A single value is read as a one-element list; nested lists and other tokens fail naming what was found.</remarks>
internal sealed class ScalarOrListJsonConverter<T> : JsonConverter<IReadOnlyList<T>>
{
    /// <inheritdoc/>
    public override IReadOnlyList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return [ReadElement(ref reader, options)];
        }

        var values = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(ReadElement(ref reader, options));
        }

        return values;
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        JsonSerializer.Serialize(writer, value.ToArray(), options);
    }

    private static T ReadElement(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        bool scalar = reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False;
        if (!scalar)
        {
            throw new JsonException($"Expected a {typeof(T).Name} or a list of them, found a JSON {reader.TokenType}.");
        }

        return JsonSerializer.Deserialize<T>(ref reader, options)!;
    }
}
