using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>Reads an enum whose member names are exactly diffusers' strings (e.g. <c>"CrossAttnDownBlock2D"</c>).</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
/// <remarks>
/// Anything else (another name, a different case, a number) fails with a <see cref="JsonException"/> that lists the accepted
/// names; <see cref="ConfigJson"/> adds the file and the JSON path (the key) to it.
/// </remarks>
internal sealed class DiffusersNameJsonConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>The accepted names, comma-separated, for error messages.</summary>
    public static string AcceptedNames => string.Join(", ", Enum.GetNames<TEnum>());

    /// <inheritdoc/>
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (name is not null && Enum.GetNames<TEnum>().Contains(name, StringComparer.Ordinal))
        {
            return Enum.Parse<TEnum>(name);
        }

        string found = name is null ? $"a JSON {reader.TokenType}" : $"\"{name}\"";
        throw new JsonException($"{found} is not a supported {typeof(TEnum).Name}; expected one of: {AcceptedNames}.");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
