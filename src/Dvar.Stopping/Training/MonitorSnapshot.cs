using System.Text.Json.Nodes;
using static Dvar.Stopping.Training.MonitorStateJson;

namespace Dvar.Stopping.Training;

/// <summary>The monitor's own part of a state document (everything but the criterion), read and checked in full before
/// anything is restored.</summary>
internal sealed record MonitorSnapshot(
    IReadOnlyList<MonitorRecord> History,
    long StepsObserved,
    long? LastStep,
    StopDecision? LastDecision,
    long? StopStep,
    long? BestStep,
    double? BestDeterministicLoss)
{
    /// <summary>Reads and checks the monitor fields of <paramref name="state"/>.</summary>
    /// <param name="state">A document written by <see cref="StoppingMonitor.SaveState"/>.</param>
    /// <param name="historyCapacity">The restoring monitor's capacity, which the document must have too.</param>
    /// <returns>The checked fields.</returns>
    /// <exception cref="FormatException">A field is missing, invalid or inconsistent; the message names it.</exception>
    public static MonitorSnapshot Read(JsonObject state, int? historyCapacity)
    {
        var format = String(state, "format");
        if (format != StoppingMonitor.StateFormat)
        {
            throw new FormatException($"Field 'format' must be \"{StoppingMonitor.StateFormat}\"; got \"{format}\".");
        }

        var version = Long(state, "version");
        if (version != StoppingMonitor.StateVersion)
        {
            throw new FormatException(
                $"Field 'version' must be {StoppingMonitor.StateVersion} (the version this library reads); got {version}.");
        }

        var capacity = NullableLong(state, "historyCapacity");
        if (capacity != historyCapacity)
        {
            throw new FormatException(
                $"Field 'historyCapacity' is {Show(capacity)} but this monitor's HistoryCapacity is {Show(historyCapacity)}.");
        }

        var snapshot = new MonitorSnapshot(
            ReadHistory(Array(state, "history")),
            Long(state, "stepsObserved"),
            NullableLong(state, "lastStep"),
            state["lastDecision"] is null ? null : ToDecision(state["lastDecision"], "lastDecision"),
            NullableLong(state, "stopStep"),
            NullableLong(state, "bestStep"),
            NullableDouble(state, "bestDeterministicLoss"));
        snapshot.Check(historyCapacity);
        return snapshot;
    }

    private static List<MonitorRecord> ReadHistory(JsonArray array)
    {
        var history = new List<MonitorRecord>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var record = ToRecord(array[i], $"history[{i}]");
            if (record.Step < 0 || (i > 0 && record.Step <= history[^1].Step))
            {
                throw new FormatException(
                    $"Field 'history[{i}].step' must be non-negative and greater than the previous step; got {record.Step}.");
            }

            history.Add(record);
        }

        return history;
    }

    private static string Show(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null (keep all)";

    private void Check(int? historyCapacity)
    {
        Require(StepsObserved >= 0, "stepsObserved", "must not be negative");
        Require(History.Count <= StepsObserved, "history", "holds more records than stepsObserved");
        Require(History.Count <= (historyCapacity ?? int.MaxValue), "history", "holds more records than historyCapacity");
        Require((StepsObserved == 0) == (LastStep is null), "lastStep", "must be null exactly when stepsObserved is 0");
        Require((StepsObserved == 0) == (LastDecision is null), "lastDecision", "must be null exactly when stepsObserved is 0");
        Require(History.Count == 0 || (History[^1].Step == LastStep && History[^1].Decision == LastDecision), "lastStep", "must match the last history record");
        Require(StopStep is null || StopStep <= LastStep, "stopStep", "must be null or at most lastStep");
        Require((BestStep is null) == (BestDeterministicLoss is null), "bestStep", "and bestDeterministicLoss must both be null or both set");
        Require(BestStep is null || BestStep <= LastStep, "bestStep", "must be null or at most lastStep");
        Require(BestDeterministicLoss is null || double.IsFinite(BestDeterministicLoss.Value), "bestDeterministicLoss", "must be finite");
    }

    private static void Require(bool condition, string field, string rule)
    {
        if (!condition)
        {
            throw new FormatException($"Field '{field}' {rule}.");
        }
    }
}
