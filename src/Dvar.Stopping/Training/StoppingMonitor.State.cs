using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.IO;
using Dvar.Stopping.State;

namespace Dvar.Stopping.Training;

/// <content>Save and restore, for resumable training.</content>
public sealed partial class StoppingMonitor
{
    /// <summary>The <c>format</c> field of a monitor state document.</summary>
    public const string StateFormat = "dvar-stopping/monitor-state";

    /// <summary>The <c>version</c> of the monitor state documents this version writes and reads.</summary>
    public const int StateVersion = 1;

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    /// <summary>Returns the whole state (criterion state, history, best, stop step) as a versioned JSON document.</summary>
    /// <remarks>Fields: <c>format</c> (<see cref="StateFormat"/>), <c>version</c> (<see cref="StateVersion"/>),
    /// <c>historyCapacity</c>, <c>stepsObserved</c>, <c>lastStep</c>, <c>stopStep</c>, <c>bestStep</c>,
    /// <c>bestDeterministicLoss</c>, <c>lastDecision</c>, <c>history</c> (records with <c>step</c>, <c>trainLoss</c>,
    /// <c>detLoss</c>, <c>decision</c>) and <c>criterion</c> (the criterion's own <see cref="IStoppingCriterion.SaveState"/>).
    /// Non-finite doubles are the strings <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>. Logging options are not part
    /// of the state.</remarks>
    /// <returns>A new JSON object owned by the caller.</returns>
    public JsonObject SaveState()
    {
        var history = new JsonArray();
        foreach (var record in _history)
        {
            history.Add(MonitorStateJson.FromRecord(record));
        }

        return new JsonObject
        {
            ["format"] = StateFormat,
            ["version"] = StateVersion,
            ["historyCapacity"] = Options.HistoryCapacity,
            ["stepsObserved"] = StepsObserved,
            ["lastStep"] = LastStep,
            ["stopStep"] = StopStep,
            ["bestStep"] = BestStep,
            ["bestDeterministicLoss"] = MonitorStateJson.FromDouble(BestDeterministicLoss),
            ["lastDecision"] = LastDecision is { } decision ? MonitorStateJson.FromDecision(decision) : null,
            ["history"] = history,
            ["criterion"] = Criterion.SaveState(),
        };
    }

    /// <summary>Saves <see cref="SaveState"/> as indented JSON to a file, atomically (temporary file in the same
    /// folder, flushed, then moved over <paramref name="path"/>).</summary>
    /// <param name="path">The file to create or replace (UTF-8, no byte-order mark).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file could not be written or replaced; an existing file is left as it was.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder may not be written; an existing file is left as it was.</exception>
    public void SaveStateFile(string path)
    {
        var state = SaveState();
        AtomicFile.WriteAllText(path, writer => writer.Write(state.ToJsonString(IndentedJson)));
    }

    /// <summary>Replaces this monitor's state with one returned by <see cref="SaveState"/> of a monitor built with the
    /// same criterion kind and options and the same <see cref="StoppingMonitorOptions.HistoryCapacity"/>. Observing
    /// the following steps then gives exactly the decisions, history and best of an uninterrupted run.</summary>
    /// <param name="state">The saved state.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="FormatException">An unknown format or version, a different history capacity, a missing,
    /// invalid or inconsistent field (the message names it), or a criterion state the criterion rejects. The monitor
    /// is unchanged unless the criterion itself rejected its state part-way.</exception>
    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var restored = MonitorSnapshot.Read(state, Options.HistoryCapacity);
        Criterion.RestoreState(StateReader.ReadObject(state, "criterion"));
        _history.Clear();
        foreach (var record in restored.History)
        {
            _history.Add(record);
        }

        StepsObserved = restored.StepsObserved;
        LastStep = restored.LastStep;
        LastDecision = restored.LastDecision;
        StopStep = restored.StopStep;
        BestStep = restored.BestStep;
        BestDeterministicLoss = restored.BestDeterministicLoss;
        Log.MonitorRestored(_logger, Criterion.Name, LastStep, _history.Count);
    }

    /// <summary>Restores the state saved by <see cref="SaveStateFile"/> (see <see cref="RestoreState"/>).</summary>
    /// <param name="path">The state file.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not a JSON object, or its state is rejected (see
    /// <see cref="RestoreState"/>); the message names the file.</exception>
    public void RestoreStateFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = File.ReadAllText(path);
        try
        {
            var node = JsonNode.Parse(text);
            RestoreState(node as JsonObject ?? throw new FormatException("The document is not a JSON object."));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new FormatException($"Cannot restore the monitor from '{path}': {e.Message}", e);
        }
    }
}
