using System.Globalization;
using System.Text.Json;
using Dvar.Cli.Output;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Training;

/// <summary>Writes how a <c>dvar train</c> run ended: a short text summary, or one JSON object.</summary>
/// <remarks>JSON keys: <c>method</c>, <c>placeholder</c>, <c>stepsTrained</c>, <c>maxSteps</c>, <c>stopReason</c>
/// (<c>criterionFired</c> or <c>stepCap</c>), <c>criterion</c> (<c>name</c>, <c>reason</c> in camelCase, <c>statistic</c>,
/// <c>threshold</c>, <c>firedBy</c>), <c>finalDeterministicLoss</c>, <c>bestStep</c>, <c>bestDeterministicLoss</c>,
/// <c>trainingSeconds</c>, <c>evaluationSeconds</c>, <c>artifacts</c> (absolute paths), <c>history</c>, <c>plot</c>
/// (<c>history.png</c>, or null when it was not written), <c>summary</c>,
/// <c>checkpoint</c> (absolute paths; checkpoint null when none was written). The values are those of
/// <c>training-summary.json</c>, whose paths are relative to the output folder.</remarks>
internal static class TrainResultFormatter
{
    /// <summary>Writes the result, followed by a newline.</summary>
    /// <param name="writer">Standard output.</param>
    /// <param name="result">The trainer's result.</param>
    /// <param name="method">The trained method.</param>
    /// <param name="maxSteps">The step cap in effect.</param>
    /// <param name="format">Text or JSON.</param>
    /// <param name="generateHint">A <c>dvar generate</c> command line that uses the artifacts, shown in text.</param>
    /// <param name="plot">The full path of the <c>history.png</c> written for the run, or null when none was.</param>
    public static void Write(TextWriter writer, TrainingResult result, PersonalizationMethod method, long maxSteps, OutputFormat format, string generateHint, string? plot = null)
    {
        writer.Write(format == OutputFormat.Json ? ToJson(result, method, maxSteps, plot) : ToText(result, method, maxSteps, generateHint, plot));
        writer.Write('\n');
    }

    private static string ToJson(TrainingResult result, PersonalizationMethod method, long maxSteps, string? plot) => JsonOutput.Object(json =>
    {
        var decision = result.Decision;
        json.WriteString("method", method.Name);
        json.WriteString("recipe", JsonNamingPolicy.CamelCase.ConvertName(method.Defaults.Recipe.ToString()));
        json.WriteString("placeholder", method.Placeholder);
        json.WriteNumber("stepsTrained", result.StepsTrained);
        JsonOutput.WriteNumber(json, "firingEvaluationStep", result.FiringEvaluationStep);
        JsonOutput.WriteNumber(json, "authorsStep", result.AuthorsStep);
        json.WriteNumber("maxSteps", maxSteps);
        json.WriteString("stopReason", JsonNamingPolicy.CamelCase.ConvertName(result.StopReason.ToString()));
        json.WriteStartObject("criterion");
        json.WriteString("name", result.CriterionName);
        if (decision is { } d)
        {
            json.WriteString("reason", ReplayResultFormatter.ReasonName(d.Reason));
        }
        else
        {
            json.WriteNull("reason");
        }

        JsonOutput.WriteNumber(json, "statistic", decision?.Statistic);
        JsonOutput.WriteNumber(json, "threshold", decision?.Threshold);
        json.WriteString("firedBy", decision?.FiredBy);
        json.WriteEndObject();
        JsonOutput.WriteNumber(json, "finalDeterministicLoss", result.FinalDeterministicLoss);
        JsonOutput.WriteNumber(json, "bestStep", result.BestStep);
        JsonOutput.WriteNumber(json, "bestDeterministicLoss", result.BestDeterministicLoss);
        json.WriteNumber("trainingSeconds", result.TrainingTime.TotalSeconds);
        json.WriteNumber("evaluationSeconds", result.EvaluationTime.TotalSeconds);
        json.WriteStartArray("artifacts");
        foreach (string path in result.ArtifactPaths)
        {
            json.WriteStringValue(Path.GetFullPath(path));
        }

        json.WriteEndArray();
        json.WriteString("history", result.HistoryCsvPath);
        json.WriteString("plot", plot);
        json.WriteString("summary", result.SummaryPath);
        json.WriteString("checkpoint", result.CheckpointPath is { } checkpoint ? Path.GetFullPath(checkpoint) : null);
    });

    private static string ToText(TrainingResult result, PersonalizationMethod method, long maxSteps, string generateHint, string? plot)
    {
        var c = CultureInfo.InvariantCulture;
        var decision = result.Decision;
        string statistic = decision?.Statistic is { } s ? s.ToString("G4", c) : "undefined";
        string threshold = decision is { } d ? d.Threshold.ToString("G4", c) : "-";
        var text = new System.Text.StringBuilder();
        text.Append(c, $"dvar train {method.Name}: ");
        text.Append(result.StopReason == TrainingStopReason.CriterionFired
            ? string.Create(c, $"stopped at step {result.StepsTrained} of {maxSteps}: {result.CriterionName} fired ({ReplayResultFormatter.ReasonName(decision!.Value.Reason)}; statistic {statistic}, threshold {threshold}){AfterStop(result)}.")
            : string.Create(c, $"reached the step cap, {result.StepsTrained} steps, before {result.CriterionName} fired (last statistic {statistic}, threshold {threshold})."));
        text.Append('\n');
        if (result.FinalDeterministicLoss is { } final)
        {
            text.Append(c, $"  L_det: final {final:G5}, best {result.BestDeterministicLoss:G5} at step {result.BestStep}\n");
        }

        text.Append(c, $"  time: {result.TrainingTime.TotalSeconds:F1} s training, {result.EvaluationTime.TotalSeconds:F1} s evaluation\n");
        foreach (string path in result.ArtifactPaths)
        {
            text.Append(c, $"  artifact: {Path.GetFullPath(path)}\n");
        }

        text.Append(c, $"  history: {result.HistoryCsvPath}\n");
        if (plot is not null)
        {
            text.Append(c, $"  plot: {plot}\n");
        }

        text.Append(c, $"  summary: {result.SummaryPath}\n");
        if (result.CheckpointPath is { } checkpoint)
        {
            text.Append(c, $"  checkpoint: {Path.GetFullPath(checkpoint)}\n");
        }

        text.Append(c, $"  generate: {generateHint}");
        return text.ToString();
    }

    /// <summary>Says, when the recipe stepped once more after the firing evaluation (the authors'), which step was evaluated.</summary>
    private static string AfterStop(TrainingResult result) =>
        result.FiringEvaluationStep is { } firing && firing != result.StepsTrained
            ? string.Create(CultureInfo.InvariantCulture, $" on the parameters of step {firing}, then one more step, as the authors' loop does")
            : string.Empty;
}
