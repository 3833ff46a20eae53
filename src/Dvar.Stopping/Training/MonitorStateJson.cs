using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dvar.Stopping.Training;

/// <summary>Reads and writes the fields of the monitor state document. Every read failure is a
/// <see cref="FormatException"/> naming the field. Non-finite doubles are the strings <c>NaN</c>, <c>Infinity</c>,
/// <c>-Infinity</c> (JSON has no such numbers); finite ones are JSON numbers, written in round-trip form.</summary>
internal static class MonitorStateJson
{
    public static JsonNode? FromDouble(double? value) => value switch
    {
        null => null,
        { } v when double.IsFinite(v) => JsonValue.Create(v),
        { } v => JsonValue.Create(v.ToString(CultureInfo.InvariantCulture)),
    };

    public static JsonObject FromRecord(MonitorRecord record) => new()
    {
        ["step"] = record.Step,
        ["trainLoss"] = FromDouble(record.TrainingLoss),
        ["detLoss"] = FromDouble(record.DeterministicLoss),
        ["decision"] = FromDecision(record.Decision),
    };

    public static JsonObject FromDecision(StopDecision decision) => new()
    {
        ["shouldStop"] = decision.ShouldStop,
        ["observation"] = decision.Observation,
        ["statistic"] = FromDouble(decision.Statistic),
        ["threshold"] = FromDouble(decision.Threshold),
        ["reason"] = decision.Reason.ToString(),
        ["firedBy"] = decision.FiredBy,
        ["bestObservation"] = decision.BestObservation,
    };

    public static MonitorRecord ToRecord(JsonNode? node, string field)
    {
        var obj = Object(node, field);
        return new MonitorRecord(
            Long(obj, "step", field),
            NullableDouble(obj, "trainLoss", field),
            Double(obj, "detLoss", field),
            ToDecision(obj["decision"], $"{field}.decision"));
    }

    public static StopDecision ToDecision(JsonNode? node, string field)
    {
        var obj = Object(node, field);
        var reasonName = String(obj, "reason", field);
        if (!Enum.TryParse<StopReason>(reasonName, ignoreCase: false, out var reason)
            || !Enum.IsDefined(reason) || reasonName != reason.ToString())
        {
            throw new FormatException(
                $"Field '{field}.reason' must be one of {string.Join(", ", Enum.GetNames<StopReason>())}; got '{reasonName}'.");
        }

        return new StopDecision(
            Bool(obj, "shouldStop", field),
            Long(obj, "observation", field),
            NullableDouble(obj, "statistic", field),
            Double(obj, "threshold", field),
            reason,
            NullableString(obj, "firedBy", field),
            NullableLong(obj, "bestObservation", field));
    }

    public static JsonObject Object(JsonNode? node, string field) =>
        node as JsonObject ?? throw new FormatException($"Field '{field}' must be a JSON object; got {Describe(node)}.");

    public static JsonArray Array(JsonObject parent, string name, string? field = null) =>
        parent[name] as JsonArray ?? throw new FormatException($"Field '{Path(field, name)}' must be a JSON array; got {Describe(parent[name])}.");

    public static string String(JsonObject parent, string name, string? field = null) =>
        NullableString(parent, name, field) ?? throw new FormatException($"Field '{Path(field, name)}' is missing or null.");

    public static long Long(JsonObject parent, string name, string? field = null) =>
        NullableLong(parent, name, field) ?? throw new FormatException($"Field '{Path(field, name)}' is missing or null.");

    public static double Double(JsonObject parent, string name, string? field = null) =>
        NullableDouble(parent, name, field) ?? throw new FormatException($"Field '{Path(field, name)}' is missing or null.");

    public static bool Bool(JsonObject parent, string name, string? field = null) =>
        Value(parent, name, field, JsonValueKind.True, JsonValueKind.False) is { } v
            ? v.GetValue<bool>()
            : throw new FormatException($"Field '{Path(field, name)}' is missing or null.");

    public static string? NullableString(JsonObject parent, string name, string? field = null) =>
        Value(parent, name, field, JsonValueKind.String)?.GetValue<string>();

    public static long? NullableLong(JsonObject parent, string name, string? field = null)
    {
        var value = Value(parent, name, field, JsonValueKind.Number);
        if (value is null)
        {
            return null;
        }

        // A parsed document holds JSON text, a built one holds CLR values (int, long...): the text form reads both.
        return long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new FormatException($"Field '{Path(field, name)}' must be an integer; got {value.ToJsonString()}.");
    }

    public static double? NullableDouble(JsonObject parent, string name, string? field = null)
    {
        var value = Value(parent, name, field, JsonValueKind.Number, JsonValueKind.String);
        if (value is null)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.Number)
        {
            return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return value.GetValue<string>() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var text => throw new FormatException(
                $"Field '{Path(field, name)}' must be a number, \"NaN\", \"Infinity\" or \"-Infinity\"; got \"{text}\"."),
        };
    }

    private static JsonValue? Value(JsonObject parent, string name, string? field, params JsonValueKind[] kinds)
    {
        var node = parent[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && System.Array.IndexOf(kinds, value.GetValueKind()) >= 0)
        {
            return value;
        }

        throw new FormatException(
            $"Field '{Path(field, name)}' must be {string.Join(" or ", kinds.Select(k => k.ToString().ToLowerInvariant()))}; got {Describe(node)}.");
    }

    private static string Path(string? field, string name) => field is null ? name : $"{field}.{name}";

    private static string Describe(JsonNode? node) => node is null ? "null or nothing" : node.ToJsonString();
}
