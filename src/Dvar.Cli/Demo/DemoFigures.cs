using System.Globalization;
using Dvar.Cli.Commands;
using Dvar.Cli.Plotting;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Demo;

/// <summary>The demo's plots: one Figure-2-style plot per job (from its budget run, with the DVAR and CLIP-s stops marked),
/// and the overlay of every budget run's training loss.</summary>
internal static class DemoFigures
{
    /// <summary>Writes a job's figure to <see cref="DemoJobResult.PlotPath"/>.</summary>
    /// <param name="result">The job's result.</param>
    public static void WriteJob(DemoJobResult result)
    {
        var budget = result.Runs[DemoRunKind.Budget];
        var dvar = result.Runs[DemoRunKind.Dvar];
        var clips = result.Runs[DemoRunKind.ClipS];
        var markers = new List<PlotMarker>
        {
            new(dvar.StepsTrained, Invariant($"DVAR stop {dvar.StepsTrained}")),
            new(clips.StepsTrained, Invariant($"CLIP-s stop {clips.StepsTrained} (keeps {clips.SavedStep})")),
        };
        var data = new TrainingPlotData
        {
            Title = Invariant($"{TrainMethodCommand.NameOf(result.Recipe.Method)}, {result.Concept.Description} ({result.Concept.Token}): budget run of {budget.StepsTrained} steps"),
            History = TrainingCsvReader.ReadHistory(Path.Combine(budget.Folder, PersonalizationTrainer.HistoryFileName)),
            Scores = TrainingCsvReader.ReadScores(Path.Combine(budget.Folder, "scores.csv")),
            Window = result.Recipe.Dvar.Window,
            Threshold = result.Recipe.Dvar.Threshold,
            HistoryStatisticIsRatio = false,
            Markers = markers,
            StepAxisEnd = budget.StepsTrained,
        };
        TrainingPlot.Save(data, result.PlotPath);
    }

    /// <summary>Writes the overlay figure.</summary>
    /// <param name="path">The PNG to write.</param>
    /// <param name="results">Every job's result.</param>
    public static void WriteOverlay(string path, IReadOnlyList<DemoJobResult> results)
    {
        var data = new OverlayPlotData
        {
            Title = "Training loss (moving average) and L_det (normalised) of every budget run",
            Runs = [.. results.Select(r => new OverlayRun(
                $"{Abbreviation(r.Recipe.Method)} {r.Concept.Name}",
                TrainingCsvReader.ReadHistory(Path.Combine(r.Runs[DemoRunKind.Budget].Folder, PersonalizationTrainer.HistoryFileName))))],
            IncludeDeterministicLoss = true,
            Width = 1200,
        };
        OverlayPlot.Save(data, path);
    }

    private static string Abbreviation(Training.TrainMethod method) => method switch
    {
        Training.TrainMethod.TextualInversion => "TI",
        Training.TrainMethod.DreamBoothLora => "DB-LoRA",
        _ => "CD",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
