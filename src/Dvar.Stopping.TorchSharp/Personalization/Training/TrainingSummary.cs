using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Stopping.IO;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.Training;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>Writes <c>training-summary.json</c>: how a run ended, its settings, timings and outputs.</summary>
/// <remarks>Fields: <c>format</c> (<c>dvar-stopping/training-summary</c>), <c>version</c> (1), <c>method</c>,
/// <c>placeholder</c>, <c>images</c> (the full path of the concept's image folder), <c>templates</c> (the caption templates, for
/// <c>dvar evaluate</c>'s training prompts), <c>stepsTrained</c>, <c>maxSteps</c>, <c>stopReason</c>, <c>criterion</c> (<c>name</c>,
/// <c>reason</c>, <c>statistic</c>, <c>threshold</c>, <c>firedBy</c>), <c>finalDeterministicLoss</c>, <c>bestStep</c>,
/// <c>bestDeterministicLoss</c>, <c>run</c> (the options a resume must repeat), <c>trainingSeconds</c>,
/// <c>evaluationSeconds</c>, <c>scoringSeconds</c>, <c>recipe</c> (<c>Authors</c> or <c>Diffusers</c>), <c>rescaleAugmentation</c> (whose version of
/// Custom Diffusion's random rescaling the instance photos got, <c>Authors</c> or <c>Diffusers</c>; null without it), <c>dtype</c> (the frozen models' type, e.g. <c>bfloat16</c>),
/// <c>evaluationDtype</c> (the type L_det was computed in: <see cref="PersonalizationTrainerOptions.EvaluationMethod"/>'s pipeline's
/// when set, else <c>dtype</c>; null when the run evaluates nothing), <c>savedStep</c> (the step whose
/// parameters the artifacts hold), <c>firingEvaluationStep</c> (the step whose L_det made the criterion fire, null otherwise),
/// <c>authorsStep</c> (the number the authors' code reports for that stop: <c>firingEvaluationStep + 1</c>; equal to
/// <c>stepsTrained</c> under the authors' recipe, which takes that one more optimizer step), <c>scoring</c> (null without sample scoring: <c>metric</c>,
/// <c>every</c>, <c>criterion</c>, <c>reason</c>, <c>bestStep</c>, <c>bestTrainImage</c>, <c>scores</c>), <c>artifacts</c>, <c>history</c>, <c>checkpoint</c> (paths relative to the output folder).
/// Non-finite numbers are the strings <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>.</remarks>
internal static class TrainingSummary
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the summary atomically.</summary>
    /// <param name="result">The run's result.</param>
    /// <param name="options">The run's options.</param>
    public static void Write(TrainingResult result, PersonalizationTrainerOptions options)
    {
        string folder = options.OutputFolder;
        var run = new JsonObject();
        foreach (var (name, value) in CheckpointManifest.RunOf(options))
        {
            run[name] = value;
        }

        var decision = result.Decision;
        var root = new JsonObject
        {
            ["format"] = "dvar-stopping/training-summary",
            ["version"] = 1,
            ["method"] = options.Method.Name,
            ["placeholder"] = options.Method.Placeholder,
            ["images"] = Path.GetFullPath(options.Data.Images.Folder),
            ["templates"] = new JsonArray([.. options.Data.Templates.Templates.Select(t => (JsonNode?)JsonValue.Create(t))]),
            ["stepsTrained"] = result.StepsTrained,
            ["maxSteps"] = options.EffectiveMaxSteps,
            ["stopReason"] = result.StopReason.ToString(),
            ["criterion"] = new JsonObject
            {
                ["name"] = result.CriterionName,
                ["reason"] = decision?.Reason.ToString(),
                ["statistic"] = MonitorStateJson.FromDouble(decision?.Statistic),
                ["threshold"] = MonitorStateJson.FromDouble(decision?.Threshold),
                ["firedBy"] = decision?.FiredBy,
            },
            ["finalDeterministicLoss"] = MonitorStateJson.FromDouble(result.FinalDeterministicLoss),
            ["bestStep"] = result.BestStep,
            ["bestDeterministicLoss"] = MonitorStateJson.FromDouble(result.BestDeterministicLoss),
            ["run"] = run,
            ["trainingSeconds"] = result.TrainingTime.TotalSeconds,
            ["evaluationSeconds"] = result.EvaluationTime.TotalSeconds,
            ["scoringSeconds"] = result.ScoringTime.TotalSeconds,
            ["recipe"] = options.Method.Defaults.Recipe.ToString(),
            ["rescaleAugmentation"] = RescaleAugmentation.StyleFor(options.Method, options.Data)?.ToString(),
            ["dtype"] = DtypeName(options.Method.Pipeline!.Dtype),
            ["evaluationDtype"] = options.EvaluationFrequency > 0 ? DtypeName((options.EvaluationMethod ?? options.Method).Pipeline!.Dtype) : null,
            ["savedStep"] = result.SavedStep,
            ["firingEvaluationStep"] = result.FiringEvaluationStep,
            ["authorsStep"] = result.AuthorsStep,
            ["scoring"] = Scoring(result, options),
            ["artifacts"] = new JsonArray([.. result.ArtifactPaths.Select(p => (JsonNode?)JsonValue.Create(Relative(folder, p)))]),
            ["history"] = Relative(folder, result.HistoryCsvPath),
            ["checkpoint"] = result.CheckpointPath is { } checkpoint ? Relative(folder, checkpoint) : null,
        };
        AtomicFile.WriteAllText(result.SummaryPath, writer => writer.Write(root.ToJsonString(Indented)));
    }

    private static JsonObject? Scoring(TrainingResult result, PersonalizationTrainerOptions options)
    {
        if (options.Scoring is not { } scoring)
        {
            return null;
        }

        var best = result.Scores.Count > 0 ? result.Scores.MaxBy(s => s.Scores.TrainImage) : null;
        return new JsonObject
        {
            ["metric"] = scoring.Scorer.Metric.Name,
            ["every"] = scoring.Every,
            ["criterion"] = scoring.Criterion?.Name,
            ["reason"] = result.ScoreDecision?.Reason.ToString(),
            ["bestStep"] = best?.Step,
            ["bestTrainImage"] = MonitorStateJson.FromDouble(best?.Scores.TrainImage),
            ["scores"] = result.ScoresCsvPath is { } csv ? Relative(options.OutputFolder, csv) : null,
        };
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');

    /// <summary>A floating type's name as <c>--dtype</c> spells it (<c>float32</c>, <c>bfloat16</c>, ...).</summary>
    private static string DtypeName(ScalarType type) => type.ToString().ToLowerInvariant();
}
