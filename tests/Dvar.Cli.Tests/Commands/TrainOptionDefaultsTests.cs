using System.Globalization;
using Dvar.Cli.Tests.Support;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar train --help</c> prints the defaults the library trains with, and an option declared once (in
/// <c>TrainRequest.Bindings</c>) reaches the run: <c>--min-image-size</c>.</summary>
public sealed class TrainOptionDefaultsTests
{
    [Fact]
    public void Help_PrintsTheDefaultsTheLibraryUses()
    {
        string ti = Help("textual-inversion");
        string lora = Help("dreambooth-lora");
        string custom = Help("custom-diffusion");
        var c = CultureInfo.InvariantCulture;

        // The constants are the ones the methods' Defaults are built from (checked here too), so help and training agree.
        using var method = new TextualInversion(new TextualInversionOptions { Token = "<t>" });
        Assert.Equal((TextualInversion.DefaultMaxSteps, TextualInversion.DefaultBatchSize, TextualInversion.DefaultLearningRate), (method.Defaults.MaxSteps, method.Defaults.BatchSize, method.Defaults.LearningRate));
        Assert.Equal(PersonalizationDefaults.AuthorsEvaluationBatchSize, method.Defaults.EvaluationBatchSize);
        Assert.Equal(PersonalizationTrainerOptions.DefaultEvaluationSeed, new PersonalizationTrainerOptions { Method = method, Data = null!, OutputFolder = "o" }.EvaluationSeed);

        Assert.Contains(string.Create(c, $"cap {TextualInversion.DefaultMaxSteps}, DVAR N={DvarOptions.TextualInversion.Window}"), ti, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"cap {DreamBoothLora.DefaultMaxSteps}, DVAR N={DvarOptions.DreamBoothLora.Window}"), lora, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"cap {CustomDiffusion.DefaultMaxSteps}, DVAR N={DvarOptions.CustomDiffusion.Window}"), custom, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"{TextualInversion.DefaultMaxSteps} / {DreamBoothLora.DefaultMaxSteps} / {CustomDiffusion.DefaultMaxSteps}"), ti, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"(default {PersonalizationTrainerOptions.DefaultEvaluationSeed})"), ti, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"{PersonalizationDefaults.AuthorsEvaluationBatchSize} for authors"), ti, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"(default {SampleScoringOptions.DefaultEvery},"), ti, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"1 to {TextualInversionOptions.MaxVectors}"), ti, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"rank r (default {DreamBoothLoraOptions.DefaultRank})"), lora, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"(default {ConceptImageOptions.DefaultMinimumSize})"), custom, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_MinImageSizeAboveThePhotos_RefusesThemNamingTheFile()
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args("textual-inversion", "--max-steps", "1", "--min-image-size", "64"));

        // The toy photos are 40 px: with the default (32) they train, with 64 they are refused by name.
        run.AssertFails(ExitCodes.InputData, "--images", "image-0.png", "64");
    }

    [Fact]
    public void Train_MinImageSizeBelowOne_ExitsWithUsageCodeNamingIt()
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args("textual-inversion", "--min-image-size", "0")).AssertFails(ExitCodes.Usage, "--min-image-size", "at least 1");
    }

    private static string Help(string method)
    {
        var run = CliRun.Of(["train", method, "--help"]);
        Assert.Equal(0, run.ExitCode);
        return run.Output.ReplaceLineEndings(" ");
    }
}
