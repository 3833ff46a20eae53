using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Stopping.State;

namespace Dvar.Stopping.Training;

/// <summary>Writes and reads the records and decisions of the monitor state document, on top of <see cref="StateReader"/>.
/// Read failures are <see cref="FormatException"/>s whose message starts with the field's path
/// (<c>history[3].decision.reason: expected ...</c>).</summary>
/// <remarks>
/// <para>Unlike criterion state, the monitor records losses as given, so a double may be non-finite: NaN and
/// infinities are the strings <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> (JSON has no such numbers); finite ones are
/// JSON numbers in round-trip form.</para>
/// <para>Also compiled into Dvar.Stopping.TorchSharp from this file (<c>Compile Include ... Link</c> in their project files)
/// instead of being shared through <c>InternalsVisibleTo</c>: each assembly carries its own copy, so packages
/// upgraded separately cannot meet a missing internal member at run time, and the helper stays out of the public API.</para>
/// </remarks>
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

    public static JsonObject FromDecision(StopDecision decision)
    {
        var json = new JsonObject
        {
            ["shouldStop"] = decision.ShouldStop,
            ["observation"] = decision.Observation,
            ["statistic"] = FromDouble(decision.Statistic),
            ["threshold"] = FromDouble(decision.Threshold),
            ["reason"] = decision.Reason.ToString(),
            ["firedBy"] = decision.FiredBy,
            ["bestObservation"] = decision.BestObservation,
        };
        if (decision.UndefinedReason != UndefinedReason.None)
        {
            json["undefinedReason"] = decision.UndefinedReason.ToString();
        }

        return json;
    }

    public static MonitorRecord ReadRecord(JsonArray history, int index) => Nested($"history[{index}]", () =>
    {
        var record = history[index] as JsonObject ?? throw new FormatException($"expected an object, got {Show(history[index])}.");
        return new MonitorRecord(
            StateReader.ReadLong(record, "step"),
            ReadNullableDouble(record, "trainLoss"),
            ReadNullableDouble(record, "detLoss") ?? throw new FormatException("detLoss: missing."),
            ReadDecision(StateReader.ReadObject(record, "decision"), "decision"));
    });

    public static StopDecision ReadDecision(JsonObject decision, string path) => Nested(path, () => new StopDecision(
        StateReader.ReadBool(decision, "shouldStop"),
        StateReader.ReadLong(decision, "observation"),
        ReadNullableDouble(decision, "statistic"),
        ReadNullableDouble(decision, "threshold") ?? throw new FormatException("threshold: missing."),
        StateReader.ReadEnum<StopReason>(decision, "reason"),
        IsNull(decision, "firedBy") ? null : StateReader.ReadString(decision, "firedBy"),
        IsNull(decision, "bestObservation") ? null : StateReader.ReadLong(decision, "bestObservation"))
    {
        // Absent from documents written before the field existed: the reason was not recorded then.
        UndefinedReason = IsNull(decision, "undefinedReason") ? UndefinedReason.None : StateReader.ReadEnum<UndefinedReason>(decision, "undefinedReason"),
    });

    public static long? ReadNullableLong(JsonObject parent, string field) =>
        IsNull(parent, field) ? null : StateReader.ReadLong(parent, field);

    public static double? ReadNullableDouble(JsonObject parent, string field)
    {
        if (IsNull(parent, field))
        {
            return null;
        }

        var node = parent[field]!;
        if (node.GetValueKind() == JsonValueKind.Number)
        {
            return double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
        return text switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => throw new FormatException($"{field}: expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got {Show(node)}."),
        };
    }

    public static bool IsNull(JsonObject parent, string field) => parent[field] is null;

    private static T Nested<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            throw new FormatException(e.Message.StartsWith("expected", StringComparison.Ordinal) ? $"{path}: {e.Message}" : $"{path}.{e.Message}", e);
        }
    }

    private static string Show(JsonNode? node) => node?.ToJsonString() ?? "null";
}
