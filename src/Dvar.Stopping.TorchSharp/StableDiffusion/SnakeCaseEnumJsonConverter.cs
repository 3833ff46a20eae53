using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion;

/// <summary>Reads a diffusers config string (<c>"scaled_linear"</c>) as the enum member of the same name in snake case
/// (<c>ScaledLinear</c>); any other value is rejected with the list of accepted names.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
internal sealed class SnakeCaseEnumJsonConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly (string Name, TEnum Value)[] Members =
        [.. Enum.GetValues<TEnum>().Select(v => (JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), v))];

    /// <summary>Gets the accepted names, quoted and comma-separated.</summary>
    public static string AcceptedNames => string.Join(", ", Members.Select(m => $"\"{m.Name}\""));

    /// <summary>Returns the config name of a member.</summary>
    /// <param name="value">The member.</param>
    /// <returns>Its snake-case name.</returns>
    public static string NameOf(TEnum value) => Members.First(m => EqualityComparer<TEnum>.Default.Equals(m.Value, value)).Name;

    /// <inheritdoc/>
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        foreach (var (memberName, value) in Members)
        {
            if (memberName == name)
            {
                return value;
            }
        }

        var found = name is null ? reader.TokenType.ToString() : $"\"{name}\"";
        throw new JsonException($"{found} is not supported; expected one of {AcceptedNames}.");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(NameOf(value));
    }
}
