using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dvar.Stopping.State;

/// <summary>Writes a criterion's state as JSON text and restores it, for checkpoints that resume a training run.</summary>
/// <remarks>
/// The text is the document of <see cref="IStoppingCriterion.SaveState"/>: format <c>dvar-stopping/criterion-state</c>,
/// version 1. Doubles are written in their shortest round-trip form, so a restored criterion continues bit for bit as an
/// uninterrupted one.
/// </remarks>
public static class CriterionStateSerializer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Returns the state of <paramref name="criterion"/> as indented JSON text.</summary>
    /// <param name="criterion">The criterion to save.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="criterion"/> is null.</exception>
    public static string Serialize(IStoppingCriterion criterion)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        return criterion.SaveState().ToJsonString(Indented);
    }

    /// <summary>Restores into <paramref name="criterion"/> the state written by <see cref="Serialize"/>.</summary>
    /// <param name="criterion">A criterion built with the same options as the saved one.</param>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="ArgumentNullException"><paramref name="criterion"/> or <paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a JSON object, or the document is rejected by
    /// <see cref="IStoppingCriterion.RestoreState"/> (unknown format or version, wrong kind, different options, a missing
    /// or invalid field); the message names the field.</exception>
    public static void Restore(IStoppingCriterion criterion, string json)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The criterion state is not valid JSON: {ex.Message}", ex);
        }

        criterion.RestoreState(node as JsonObject ?? throw new FormatException("The criterion state must be a JSON object."));
    }
}
