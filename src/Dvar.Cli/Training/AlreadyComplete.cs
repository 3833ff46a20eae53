using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Cli.Output;

namespace Dvar.Cli.Training;

/// <summary>What <c>dvar train ... --resume auto</c> prints when <c>--out</c> holds the finished run of the same options:
/// one line (text) or one JSON object (<c>alreadyComplete</c>, <c>summary</c>, <c>stepsTrained</c>, <c>stopReason</c>) on
/// standard output, and exit code 0. Nothing is trained or written.</summary>
internal static class AlreadyComplete
{
    /// <summary>Reports the finished run.</summary>
    /// <param name="summary">Its <c>training-summary.json</c>.</param>
    /// <param name="request">The request (its <c>--out</c> and <c>--format</c>).</param>
    /// <param name="output">Standard output.</param>
    /// <param name="command">The command, e.g. <c>dvar train textual-inversion</c>.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    public static int Report(string summary, TrainRequest request, TextWriter output, string command)
    {
        long? steps = null;
        string? stopReason = null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(summary));
            steps = json.RootElement.TryGetProperty("stepsTrained", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
            stopReason = json.RootElement.TryGetProperty("stopReason", out var r) ? r.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The run is complete by its record; the summary's numbers are only shown.
        }

        if (request.Format == OutputFormat.Json)
        {
            var root = new JsonObject
            {
                ["alreadyComplete"] = true,
                ["summary"] = Path.GetFullPath(summary),
                ["stepsTrained"] = steps,
                ["stopReason"] = stopReason,
            };
            output.WriteLine(root.ToJsonString());
        }
        else
        {
            string what = steps is { } n ? $" ({n} steps, {stopReason})" : string.Empty;
            output.WriteLine($"{command}: already complete: --out '{request.Output}' holds the finished run of these options{what}; nothing was trained. Summary: {Path.GetFullPath(summary)}");
        }

        return ExitCodes.Success;
    }
}
