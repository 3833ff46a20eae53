using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>Parses transformers' <c>hidden_act</c> string into <see cref="ClipActivation"/>, rejecting other names.</summary>
internal sealed class ClipActivationJsonConverter : JsonConverter<ClipActivation>
{
    /// <inheritdoc/>
    public override ClipActivation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return name switch
        {
            "quick_gelu" => ClipActivation.QuickGelu,
            "gelu" => ClipActivation.Gelu,
            _ => throw new JsonException(
                $"hidden_act = {(name is null ? reader.TokenType.ToString() : $"\"{name}\"")} is not supported; expected \"quick_gelu\" or \"gelu\"."),
        };
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ClipActivation value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value switch
        {
            ClipActivation.QuickGelu => "quick_gelu",
            ClipActivation.Gelu => "gelu",
            _ => throw new JsonException($"hidden_act: {value} has no transformers name."),
        });
    }
}
