using System.Text.Json.Nodes;

namespace Dvar.Stopping.State;

/// <summary>The header every criterion state document starts with, and its checks.</summary>
/// <remarks>
/// A document reads <c>{"format": "dvar-stopping/criterion-state", "version": 1, "kind": "dvar", "options": {...}, ...}</c>.
/// Restoring rejects an unknown format or version, the wrong kind, and options that differ from the instance's (never
/// adopting them), naming the field. Fields a later version adds must be read with defaults; unknown fields are ignored.
/// </remarks>
internal static class CriterionState
{
    /// <summary>The value of the <c>format</c> field.</summary>
    public const string Format = "dvar-stopping/criterion-state";

    /// <summary>The only version this build writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Starts a document for a criterion of <paramref name="kind"/> with <paramref name="options"/>.</summary>
    public static JsonObject Create(string kind, JsonObject options) => new()
    {
        ["format"] = Format,
        ["version"] = Version,
        ["kind"] = kind,
        ["options"] = options,
    };

    /// <summary>Checks format, version, kind and every option of <paramref name="state"/> against this instance's.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="FormatException">A header field or option differs or is missing; the message names it.</exception>
    public static void CheckHeader(JsonObject state, string kind, JsonObject expectedOptions)
    {
        ArgumentNullException.ThrowIfNull(state);
        string format = StateReader.ReadString(state, "format");
        if (format != Format)
        {
            throw new FormatException($"format: expected \"{Format}\", got \"{format}\".");
        }

        long version = StateReader.ReadLong(state, "version");
        if (version != Version)
        {
            throw new FormatException($"version: this build reads version {Version} of {Format}, got {version}.");
        }

        string found = StateReader.ReadString(state, "kind");
        if (found != kind)
        {
            throw new FormatException($"kind: the state is of a \"{found}\" criterion, this criterion is \"{kind}\".");
        }

        JsonObject options = StateReader.ReadObject(state, "options");
        foreach (KeyValuePair<string, JsonNode?> expected in expectedOptions)
        {
            string path = "options." + expected.Key;
            if (!options.TryGetPropertyValue(expected.Key, out JsonNode? stored) || stored is null)
            {
                throw new FormatException($"{path}: missing.");
            }

            if (!JsonNode.DeepEquals(stored, expected.Value))
            {
                throw new FormatException(
                    $"{path}: the state was saved with {stored.ToJsonString()}, this criterion has {expected.Value?.ToJsonString()}; "
                    + "restore into a criterion built with the saved options.");
            }
        }
    }

    /// <summary>Writes the progress every criterion reports: the count k, the fired flag and the reason.</summary>
    /// <param name="state">The document.</param>
    /// <param name="observations">The number of finite values observed.</param>
    /// <param name="reason">The reason the criterion fired with, or <see cref="StopReason.None"/>.</param>
    public static void WriteProgress(JsonObject state, long observations, StopReason reason)
    {
        state["observations"] = observations;
        state["fired"] = reason != StopReason.None;
        state["reason"] = reason.ToString();
    }

    /// <summary>Reads the fields written by <see cref="WriteProgress"/>, checking that they agree.</summary>
    /// <param name="state">The document.</param>
    /// <returns>The count and the reason.</returns>
    /// <exception cref="FormatException">A field is missing or invalid, or the reason contradicts the fired flag.</exception>
    public static (long Observations, StopReason Reason) ReadProgress(JsonObject state)
    {
        long observations = StateReader.ReadLong(state, "observations", 0, long.MaxValue);
        bool fired = StateReader.ReadBool(state, "fired");
        StopReason reason = StateReader.ReadEnum<StopReason>(state, "reason");
        if (fired != (reason != StopReason.None) || reason == StopReason.NonFiniteIgnored)
        {
            throw new FormatException($"reason: \"{reason}\" contradicts \"fired\": {(fired ? "true" : "false")}.");
        }

        return (observations, reason);
    }
}
