using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dvar.Stopping.State;

/// <summary>Typed reads of state-document fields that name the field when it is missing or malformed.</summary>
/// <remarks>
/// Numbers are read from their JSON text, so a document built in memory by <see cref="IStoppingCriterion.SaveState"/> and
/// one parsed from text read alike, and doubles come back bit for bit (System.Text.Json writes the shortest round-trip form).
/// <para>Also compiled into Dvar.Stopping.TorchSharp from this file (<c>Compile Include ... Link</c> in their project files)
/// instead of being shared through <c>InternalsVisibleTo</c>: each assembly carries its own copy, so packages
/// upgraded separately cannot meet a missing internal member at run time, and the helper stays out of the public API.</para>
/// </remarks>
internal static class StateReader
{
    /// <summary>Reads a required string field.</summary>
    public static string ReadString(JsonObject parent, string field) =>
        Value(parent, field, JsonValueKind.String, "a string").GetValue<string>();

    /// <summary>Reads a required boolean field.</summary>
    public static bool ReadBool(JsonObject parent, string field)
    {
        JsonNode node = Required(parent, field);
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Malformed(field, "true or false", node),
        };
    }

    /// <summary>Reads a required integer field.</summary>
    public static long ReadLong(JsonObject parent, string field)
    {
        JsonValue value = Value(parent, field, JsonValueKind.Number, "an integer");
        return long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long result)
            ? result
            : throw Malformed(field, "an integer", value);
    }

    /// <summary>Reads a required integer field that must lie in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static long ReadLong(JsonObject parent, string field, long minimum, long maximum)
    {
        long result = ReadLong(parent, field);
        return result >= minimum && result <= maximum
            ? result
            : throw new FormatException($"{field}: expected an integer in [{minimum}, {maximum}], got {result}.");
    }

    /// <summary>Reads a required finite number field.</summary>
    public static double ReadDouble(JsonObject parent, string field) =>
        ParseDouble(Value(parent, field, JsonValueKind.Number, "a number"), field);

    /// <summary>Reads a required array of finite numbers of length at most <paramref name="maximumLength"/>.</summary>
    public static double[] ReadDoubles(JsonObject parent, string field, int maximumLength)
    {
        JsonNode node = Required(parent, field);
        if (node is not JsonArray array)
        {
            throw Malformed(field, "an array of numbers", node);
        }

        if (array.Count > maximumLength)
        {
            throw new FormatException($"{field}: expected at most {maximumLength} values, got {array.Count}.");
        }

        var result = new double[array.Count];
        for (int i = 0; i < result.Length; i++)
        {
            string path = $"{field}[{i}]";
            result[i] = array[i] is JsonValue item && item.GetValueKind() == JsonValueKind.Number
                ? ParseDouble(item, path)
                : throw Malformed(path, "a number", array[i]);
        }

        return result;
    }

    /// <summary>Reads a required field holding the name of a member of <typeparamref name="TEnum"/>.</summary>
    public static TEnum ReadEnum<TEnum>(JsonObject parent, string field)
        where TEnum : struct, Enum
    {
        string name = ReadString(parent, field);
        return Array.IndexOf(Enum.GetNames<TEnum>(), name) >= 0
            ? Enum.Parse<TEnum>(name)
            : throw new FormatException($"{field}: expected one of {string.Join(", ", Enum.GetNames<TEnum>())}, got \"{name}\".");
    }

    /// <summary>Reads a required object field.</summary>
    public static JsonObject ReadObject(JsonObject parent, string field)
    {
        JsonNode node = Required(parent, field);
        return node as JsonObject ?? throw Malformed(field, "an object", node);
    }

    /// <summary>Reads a required array field.</summary>
    public static JsonArray ReadArray(JsonObject parent, string field)
    {
        JsonNode node = Required(parent, field);
        return node as JsonArray ?? throw Malformed(field, "an array", node);
    }

    private static JsonNode Required(JsonObject parent, string field) =>
        parent.TryGetPropertyValue(field, out JsonNode? node) && node is not null
            ? node
            : throw new FormatException($"{field}: missing.");

    private static JsonValue Value(JsonObject parent, string field, JsonValueKind kind, string expected)
    {
        JsonNode node = Required(parent, field);
        return node is JsonValue value && node.GetValueKind() == kind ? value : throw Malformed(field, expected, node);
    }

    private static double ParseDouble(JsonValue value, string field) =>
        double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double result)
        && double.IsFinite(result)
            ? result
            : throw Malformed(field, "a finite number", value);

    private static FormatException Malformed(string field, string expected, JsonNode? found) =>
        new($"{field}: expected {expected}, got {found?.ToJsonString() ?? "null"}.");
}
