using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Cli.Commands;
using Dvar.Demo.Metric;
using Dvar.Demo.Training;
using Dvar.Stopping.IO;

namespace Dvar.Cli.Demo;

/// <summary>Writes the demo's <c>summary.json</c> and <c>summary.md</c>, and the table it prints.</summary>
internal static class DemoSummaryWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the JSON summary.</summary>
    /// <param name="summary">What the demo measured.</param>
    /// <returns>The document.</returns>
    public static JsonObject Json(DemoSummary summary)
    {
        var jobs = new JsonArray();
        foreach (var job in summary.Results)
        {
            var runs = new JsonObject();
            foreach (var (kind, run) in job.Runs.OrderBy(r => r.Key))
            {
                runs[DemoNames.Of(kind)] = new JsonObject
                {
                    ["steps"] = run.StepsTrained,
                    ["savedStep"] = run.SavedStep,
                    ["chargedSeconds"] = run.ChargedTime.TotalSeconds,
                    ["wallSeconds"] = run.WallTime.TotalSeconds,
                    ["trainingSeconds"] = run.TrainingTime.TotalSeconds,
                    ["evaluationSeconds"] = run.EvaluationTime.TotalSeconds,
                    ["scoringSeconds"] = run.ScoringTime.TotalSeconds,
                    ["quality"] = Quality(run.Quality),
                    ["folder"] = Relative(summary.Folder, run.Folder),
                };
            }

            jobs.Add(new JsonObject
            {
                ["method"] = TrainMethodCommand.NameOf(job.Recipe.Method),
                ["concept"] = job.Concept.Name,
                ["token"] = job.Concept.Token,
                ["initial"] = Quality(job.Initial),
                ["runs"] = runs,
                ["trainLossStepCorrelation"] = Number(job.TrainLossStepCorrelation),
                ["trainLossScoreCorrelation"] = Number(job.TrainLossScoreCorrelation),
                ["detLossScoreCorrelation"] = Number(job.DeterministicLossScoreCorrelation),
                ["dvarStopReplayedOnBudgetRun"] = job.ReplayedDvarStop,
                ["figure"] = Relative(summary.Folder, job.PlotPath),
                ["samples"] = Relative(summary.Folder, job.GridPath),
            });
        }

        var table = new JsonArray();
        foreach (var row in summary.Table)
        {
            table.Add(new JsonObject
            {
                ["method"] = TrainMethodCommand.NameOf(row.Method),
                ["criterion"] = DemoNames.Of(row.Kind),
                ["concepts"] = row.Concepts,
                ["steps"] = MeanStd(row.Steps),
                ["seconds"] = MeanStd(row.Seconds),
                ["trainImage"] = MeanStd(row.TrainImage),
                ["validationImage"] = MeanStd(row.ValidationImage),
                ["validationText"] = MeanStd(row.ValidationText),
                ["conceptAccuracy"] = MeanStd(row.ConceptAccuracy),
            });
        }

        var checks = new JsonObject();
        foreach (var check in summary.Checks)
        {
            var perRun = new JsonObject();
            foreach (var (name, value) in check.PerRun)
            {
                perRun[name] = Number(value);
            }

            checks[check.Name] = new JsonObject { ["claim"] = check.Claim, ["value"] = Number(check.Value), ["passed"] = check.Passed, ["perRun"] = perRun };
        }

        return new JsonObject
        {
            ["format"] = "dvar-stopping/demo-summary",
            ["version"] = 1,
            ["wallSeconds"] = summary.WallTime.TotalSeconds,
            ["machine"] = new JsonObject
            {
                ["processorCount"] = Environment.ProcessorCount,
                ["workers"] = summary.Workers,
                ["torchThreadsPerWorker"] = summary.TorchThreads,
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            },
            ["settings"] = Settings(summary),
            ["timeAccounting"] = "chargedSeconds: DVAR and CLIP-s runs are charged their whole measured wall time; the budget run is charged its wall time minus its L_det evaluations, which only the figures need (measured in the same run); its sampling every 100 steps is charged, as the paper's baseline samples too.",
            ["table"] = table,
            ["checks"] = checks,
            ["allChecksPassed"] = summary.Checks.All(c => c.Passed),
            ["jobs"] = jobs,
            ["trainLossOverlay"] = Relative(summary.Folder, summary.OverlayPath),
        };
    }

    /// <summary>Writes <c>summary.json</c> and <c>summary.md</c> atomically.</summary>
    /// <param name="summary">What the demo measured.</param>
    /// <returns>The two paths.</returns>
    public static (string Json, string Markdown) Write(DemoSummary summary)
    {
        string json = Path.Combine(summary.Folder, "summary.json");
        string markdown = Path.Combine(summary.Folder, "summary.md");
        AtomicFile.WriteAllText(json, w => w.Write(Json(summary).ToJsonString(Indented)));
        AtomicFile.WriteAllText(markdown, w => w.Write(Markdown(summary)));
        return (json, markdown);
    }

    /// <summary>The Table-1-style table as Markdown.</summary>
    /// <param name="table">The rows.</param>
    /// <returns>The table.</returns>
    public static string Table(IReadOnlyList<DemoTableRow> table)
    {
        var text = new StringBuilder();
        text.AppendLine("| method | criterion | steps | seconds | train img | val img | val txt* | concept acc |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in table)
        {
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {TrainMethodCommand.NameOf(row.Method)} | {DemoNames.Label(row.Kind)} | {Format(row.Steps, "F0")} | {Format(row.Seconds, "F1")} | {Format(row.TrainImage, "F3")} | {Format(row.ValidationImage, "F3")} | {Format(row.ValidationText, "F3")} | {Format(row.ConceptAccuracy, "F2")} |"));
        }

        return text.ToString();
    }

    /// <summary>The checks as Markdown list items, then, when one fails, where the documentation discusses it.</summary>
    /// <param name="checks">The checks.</param>
    /// <returns>The list.</returns>
    public static string Checks(IReadOnlyList<DemoCheck> checks)
    {
        var text = new StringBuilder();
        foreach (var check in checks)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- [{(check.Passed ? "x" : " ")}] {check.Claim}: {check.Value:G3}"));
        }

        if (checks.Any(c => !c.Passed))
        {
            text.AppendLine();
            text.AppendLine(FailedChecksNote);
        }

        return text.ToString();
    }

    /// <summary>The line under a check list with a failed check.</summary>
    public const string FailedChecksNote =
        "An unchecked box is a claim the toy did not reproduce on this run; docs/demo.md (\"What the toy shows, and what it does not\") discusses each with measurements.";

    /// <summary>What the final quality measurement samples (<see cref="DemoQualityOptions.Final"/>), in words.</summary>
    public static string QualitySamples { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"{DemoQualityOptions.Final.TrainSamples} training-prompt samples and {DemoQualityOptions.Final.SamplesPerValidationPrompt} of each of the {DemoQualityOptions.Final.ValidationTemplates.Count} validation prompts");

    private static string Markdown(DemoSummary summary)
    {
        var text = new StringBuilder();
        text.AppendLine("# dvar demo: DVAR on the toy world");
        text.AppendLine();
        text.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Results.Count} runs ({string.Join(", ", summary.Results.Select(r => TrainMethodCommand.NameOf(r.Recipe.Method)).Distinct())} on {string.Join(", ", summary.Results.Select(r => r.Concept.Name).Distinct())}), budget {summary.Budget} steps, {summary.Workers} workers x {summary.TorchThreads} libtorch thread(s) on {Environment.ProcessorCount} cores; the whole demo took {summary.WallTime.TotalMinutes:F1} min."));
        text.AppendLine();
        text.AppendLine("## Table 1 on the toy world (mean ± std over concepts)");
        text.AppendLine();
        text.Append(Table(summary.Table));
        text.AppendLine();
        text.AppendLine("Seconds: measured wall time. DVAR and CLIP-s are charged all of it (L_det and sampling are what they pay to stop early). The budget run also evaluated L_det after every step, only to draw the figures; that time is measured in the same run and left out. Its sampling every 100 steps is charged, as the paper's baseline samples too. Quality is measured after each run on " + QualitySamples + " from a seed no run selected on. *val txt: the share of the requested context (white background, small) that the samples show, the stand-in for CLIP's text score.");
        text.AppendLine();
        text.AppendLine("## Checks");
        text.AppendLine();
        text.Append(Checks(summary.Checks));
        text.AppendLine();
        text.AppendLine("## Figures");
        text.AppendLine();
        text.AppendLine($"- Train-loss moving averages of every budget run on top of each other: `{Relative(summary.Folder, summary.OverlayPath)}`");
        foreach (var job in summary.Results)
        {
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"- {TrainMethodCommand.NameOf(job.Recipe.Method)} {job.Concept.Name} ({job.Concept.Token}): `{Relative(summary.Folder, job.PlotPath)}` (train loss, L_det, DVAR ratio, quality), `{Relative(summary.Folder, job.GridPath)}` (photos; samples before training, at the CLIP-s pick, at the DVAR stop, after the budget). corr(train loss, step) {job.TrainLossStepCorrelation:F3}, corr(L_det, train img) {job.DeterministicLossScoreCorrelation:F2}, DVAR stop {job.Runs[DemoRunKind.Dvar].StepsTrained}."));
        }

        return text.ToString();
    }

    private static JsonObject Settings(DemoSummary summary)
    {
        var recipes = new JsonObject();
        foreach (var recipe in summary.Results.Select(r => r.Recipe).Distinct())
        {
            recipes[TrainMethodCommand.NameOf(recipe.Method)] = new JsonObject
            {
                ["learningRate"] = recipe.LearningRate,
                ["batchSize"] = recipe.BatchSize,
                ["evaluationBatchSize"] = DemoTraining.EvaluationBatchSize,
                ["dvarWindow"] = recipe.Dvar.Window,
                ["dvarThreshold"] = recipe.Dvar.Threshold,
                ["patience"] = recipe.Patience.Patience,
                ["patienceMinDelta"] = recipe.Patience.MinDelta,
                ["budgetScoreEvery"] = DemoRecipe.BudgetScoreEvery,
                ["clipSScoreEvery"] = DemoRecipe.ClipSScoreEvery,
                ["initializerWord"] = "the concept's shape word",
            };
        }

        return new JsonObject { ["budget"] = summary.Budget, ["seed"] = summary.Seed, ["recipes"] = recipes };
    }

    private static JsonObject Quality(DemoQuality quality) => new()
    {
        ["trainImage"] = Number(quality.TrainImage),
        ["validationImage"] = Number(quality.ValidationImage),
        ["validationText"] = Number(quality.ValidationText),
        ["conceptAccuracy"] = Number(quality.ConceptAccuracy),
        ["validationConceptAccuracy"] = Number(quality.ValidationConceptAccuracy),
    };

    private static JsonObject MeanStd((double Mean, double Std) value) => new() { ["mean"] = Number(value.Mean), ["std"] = Number(value.Std) };

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    private static string Format((double Mean, double Std) value, string format) =>
        $"{value.Mean.ToString(format, CultureInfo.InvariantCulture)} ± {value.Std.ToString(format, CultureInfo.InvariantCulture)}";

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace('\\', '/');
}
