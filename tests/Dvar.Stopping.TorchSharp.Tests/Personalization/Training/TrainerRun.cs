using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary>Runs a trainer on a fresh <see cref="Setup"/> and keeps what the tests compare.</summary>
internal static class TrainerRun
{
    /// <summary>Options for a short run of the conv_in-bias method.</summary>
    public static PersonalizationTrainerOptions Options(Setup setup, int maxSteps, int evaluationFrequency = 1) => new()
    {
        Method = setup.Method,
        Data = setup.Data,
        OutputFolder = setup.Output,
        MaxSteps = maxSteps,
        EvaluationFrequency = evaluationFrequency,
        EvaluationBatchSize = 4,
        TrainingSeed = 11,
        EvaluationSeed = 12,
        Criterion = new DvarCriterion(new DvarOptions { Window = 4, Threshold = 0.3 }),
    };

    /// <summary>The history file's text.</summary>
    public static string History(TrainingResult result) => File.ReadAllText(result.HistoryCsvPath);

    /// <summary>The deterministic loss of the history's first row (step 0).</summary>
    public static double FirstDeterministicLoss(TrainingResult result) =>
        double.Parse(History(result).Split('\n')[1].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every file under a folder, relative, sorted.</summary>
    public static string[] Files(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p)).Order(StringComparer.Ordinal)];
}
