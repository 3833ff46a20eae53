using System.Globalization;
using System.Text.Json.Nodes;
using Dvar.Stopping.State;
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
    /// <exception cref="FormatException">A field is missing, invalid or inconsistent; the message starts with its name.</exception>
    public static MonitorSnapshot Read(JsonObject state, int? historyCapacity)
    {
        var format = StateReader.ReadString(state, "format");
        if (format != StoppingMonitor.StateFormat)
        {
            throw new FormatException($"format: expected \"{StoppingMonitor.StateFormat}\", got \"{format}\".");
        }

        var version = StateReader.ReadLong(state, "version");
        if (version != StoppingMonitor.StateVersion)
        {
            throw new FormatException(
                $"version: this build reads version {StoppingMonitor.StateVersion} of {StoppingMonitor.StateFormat}, got {version}.");
        }

        var capacity = ReadNullableLong(state, "historyCapacity");
        if (capacity != historyCapacity)
        {
            throw new FormatException(
                $"historyCapacity: the state keeps {Show(capacity)}, this monitor's HistoryCapacity keeps {Show(historyCapacity)}.");
        }

        var snapshot = new MonitorSnapshot(
            ReadHistory(StateReader.ReadArray(state, "history")),
            StateReader.ReadLong(state, "stepsObserved"),
            ReadNullableLong(state, "lastStep"),
            IsNull(state, "lastDecision") ? null : ReadDecision(StateReader.ReadObject(state, "lastDecision"), "lastDecision"),
            ReadNullableLong(state, "stopStep"),
            ReadNullableLong(state, "bestStep"),
            ReadNullableDouble(state, "bestDeterministicLoss"));
        snapshot.Check(historyCapacity);
        return snapshot;
    }

    private static List<MonitorRecord> ReadHistory(JsonArray array)
    {
        var history = new List<MonitorRecord>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var record = ReadRecord(array, i);
            if (record.Step < 0 || (i > 0 && record.Step <= history[^1].Step))
            {
                throw new FormatException(
                    $"history[{i}].step: expected a non-negative step greater than the previous one, got {record.Step}.");
            }

            history.Add(record);
        }

        return history;
    }

    private static string Show(long? capacity) =>
        capacity is { } c ? $"the last {c.ToString(CultureInfo.InvariantCulture)} records" : "every record";

    private static void Require(bool condition, string field, string rule)
    {
        if (!condition)
        {
            throw new FormatException($"{field}: {rule}.");
        }
    }

    private void Check(int? historyCapacity)
    {
        Require(StepsObserved >= 0, "stepsObserved", "must not be negative");
        Require(History.Count <= StepsObserved, "history", "holds more records than stepsObserved");
        Require(History.Count <= (historyCapacity ?? int.MaxValue), "history", "holds more records than historyCapacity");
        Require((StepsObserved == 0) == (LastStep is null), "lastStep", "must be null exactly when stepsObserved is 0");
        Require((StepsObserved == 0) == (LastDecision is null), "lastDecision", "must be null exactly when stepsObserved is 0");
        Require(
            History.Count == 0 || (History[^1].Step == LastStep && History[^1].Decision == LastDecision),
            "lastStep",
            "must be the step of the last history record, with the same decision");
        Require(StopStep is null || StopStep <= LastStep, "stopStep", "must be null or at most lastStep");
        Require((BestStep is null) == (BestDeterministicLoss is null), "bestStep", "must be null exactly when bestDeterministicLoss is");
        Require(BestStep is null || BestStep <= LastStep, "bestStep", "must be null or at most lastStep");
        Require(BestDeterministicLoss is not { } best || double.IsFinite(best), "bestDeterministicLoss", "must be finite");
    }
}
