using System.Text.Json;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

public sealed class TrainMethodCommandTests
{
    public static TheoryData<string, string[], string[]> Methods => new()
    {
        { "textual-inversion", ["--window", "3", "--recipe", "authors"], ["learned_embeds.safetensors"] },
        { "textual-inversion", ["--window", "3", "--recipe", "diffusers"], ["learned_embeds.safetensors"] },
        { "dreambooth-lora", ["--window", "2", "--rank", "2", "--recipe", "authors"], ["pytorch_lora_weights.safetensors", "learned_embeds.safetensors"] },
        { "custom-diffusion", ["--window", "2", "--recipe", "diffusers"], ["pytorch_custom_diffusion_weights.safetensors", $"{TinyTraining.Token}.safetensors"] },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Train_TinyPipeline_JsonAgreesWithTheFilesAndTheDvarRule(string method, string[] options, string[] artifactNames)
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args(method, ["--max-steps", "6", "--format", "json", .. options]));

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        long steps = root.GetProperty("stepsTrained").GetInt64();
        var artifacts = root.GetProperty("artifacts").EnumerateArray().Select(a => a.GetString()!).ToList();
        Assert.Equal(artifactNames.Select(n => Path.Combine(Path.GetFullPath(training.Output), n)), artifacts);
        Assert.All(artifacts, path => Assert.True(new FileInfo(path).Length > 0, path));
        using var summary = JsonDocument.Parse(File.ReadAllText(root.GetProperty("summary").GetString()!));
        Assert.Equal(steps, summary.RootElement.GetProperty("stepsTrained").GetInt64());
        Assert.Equal(method, summary.RootElement.GetProperty("method").GetString());
        var history = HistoryCsv.Read(root.GetProperty("history").GetString()!);
        // The history ends at the evaluation that fired; the authors' loop then steps the optimizer once more (below the cap).
        var firingStep = summary.RootElement.GetProperty("firingEvaluationStep");
        long? firing = firingStep.ValueKind == JsonValueKind.Number ? firingStep.GetInt64() : null;
        int after = options.Contains("authors") ? 1 : 0;
        Assert.Equal(firing ?? steps, history[^1].Step);
        Assert.Equal(history[^1].DeterministicLoss, root.GetProperty("finalDeterministicLoss").GetDouble());

        // The naive DVAR rule on the recorded L_det decides where the run stopped: the first k > N with
        // Var(last N) / Var(all) < α (population variances), else the step cap.
        int window = int.Parse(options[1], System.Globalization.CultureInfo.InvariantCulture);
        double alpha = root.GetProperty("criterion").GetProperty("threshold").GetDouble();
        var losses = history.Select(h => h.DeterministicLoss).ToList();
        int? firstStop = Enumerable.Range(window, Math.Max(0, losses.Count - window + 1))
            .Where(k => DvarRatio(losses, k, window) < alpha)
            .Select(k => (int?)k)
            .FirstOrDefault();
        Assert.Equal(firstStop is { } k ? Math.Min(k - 1 + after, 6) : 6, steps);
        Assert.Equal(firstStop - 1, firing);
        Assert.Equal(firstStop is null ? "stepCap" : "criterionFired", root.GetProperty("stopReason").GetString());
    }

    [Fact]
    public void Train_TextFormat_PrintsProgressAndSummaryWithPaths()
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args("textual-inversion", "--max-steps", "3", "--progress-every", "1"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("step 0/3", run.Error, StringComparison.Ordinal);
        Assert.Contains("step 3/3", run.Error, StringComparison.Ordinal);
        Assert.Contains("L_det", run.Error, StringComparison.Ordinal);
        Assert.Contains("dvar train textual-inversion: reached the step cap, 3 steps", run.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Path.GetFullPath(training.Output), "learned_embeds.safetensors"), run.Output, StringComparison.Ordinal);
        Assert.Contains("dvar generate --model", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_CancelledThenResumed_EqualsAnUninterruptedRun()
    {
        using var interrupted = new TinyTraining();
        using var uninterrupted = new TinyTraining();
        string[] options = ["--max-steps", "5", "--window", "50", "--progress-every", "1", "--format", "json"];
        using var cancellation = new CancellationTokenSource();

        var cancelled = CliRun.Of(
            interrupted.Args("textual-inversion", options),
            new CliSession(false, cancellation.Token),
            line =>
            {
                if (line.StartsWith("step 2/", StringComparison.Ordinal))
                {
                    cancellation.Cancel();
                }
            });
        var resumed = CliRun.Of(interrupted.Args("textual-inversion", [.. options, "--resume"]));
        var whole = CliRun.Of(uninterrupted.Args("textual-inversion", options));

        Assert.Equal(ExitCodes.Cancelled, cancelled.ExitCode);
        Assert.Equal(string.Empty, cancelled.Output);
        string message = cancelled.Error.TrimEnd('\n').Split('\n')[^1];
        Assert.Contains("--resume", message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("checkpoints", "step-00000002"), message, StringComparison.Ordinal);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(0, whole.ExitCode);
        Assert.Equal(
            File.ReadAllText(Path.Combine(uninterrupted.Output, "history.csv")),
            File.ReadAllText(Path.Combine(interrupted.Output, "history.csv")));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(uninterrupted.Output, "learned_embeds.safetensors")),
            File.ReadAllBytes(Path.Combine(interrupted.Output, "learned_embeds.safetensors")));
    }

    [Fact]
    public void Train_CustomDiffusionDiffusersRecipe_AugmentsByDefaultAndNotWithNoAugmentation()
    {
        // diffusers' script augments unless --noaug: the default run's instance batches (rescaled photos, masked loss) differ
        // from the --no-augmentation run's, which start from the same seed; the request records the choice.
        string[] Losses(TinyTraining training, params string[] extra)
        {
            var run = CliRun.Of(training.Args("custom-diffusion", ["--max-steps", "3", "--recipe", "diffusers", .. extra]));
            Assert.True(run.ExitCode == 0, run.Error);
            return [.. File.ReadAllLines(Path.Combine(training.Output, "history.csv")).Skip(2).Select(l => l.Split(',')[1])];
        }

        using var augmented = new TinyTraining();
        using var plain = new TinyTraining();
        using var plainAgain = new TinyTraining();

        var withAugmentation = Losses(augmented);
        var without = Losses(plain, "--no-augmentation");

        Assert.Equal(3, without.Length);
        Assert.Equal(without, Losses(plainAgain, "--no-augmentation"));
        Assert.NotEqual(without, withAugmentation);
        using var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(plain.Output, "training-options.json")));
        Assert.Equal("false", options.RootElement.GetProperty("options").GetProperty("Augmentation").GetString());
        string? Recorded(TinyTraining training)
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-summary.json")));
            return summary.RootElement.GetProperty("rescaleAugmentation").GetString();
        }

        Assert.Equal("Diffusers", Recorded(augmented));
        Assert.Null(Recorded(plain));
    }

    [Fact]
    public void Train_ResumeWithAnotherSeed_ExitsWithUsageCodeNamingTheOption()
    {
        using var training = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args("textual-inversion", "--max-steps", "1", "--checkpoint-every", "1")).ExitCode);

        var run = CliRun.Of(training.Args("textual-inversion", "--max-steps", "2", "--resume", "--seed", "5"));

        run.AssertFails(ExitCodes.Usage, "--resume", "TrainingSeed", "0", "5");
    }

    [Fact]
    public void Train_ResumeWithoutCheckpoint_ExitsWithInputDataCode()
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args("textual-inversion", "--resume")).AssertFails(ExitCodes.InputData, "--resume", "no checkpoint");
    }

    public static TheoryData<string, string[], int, string[]> BadInputs => new()
    {
        { "textual-inversion", ["--max-steps", "0"], ExitCodes.Usage, ["--max-steps", "at least 1", "0"] },
        { "textual-inversion", ["--learning-rate", "-1"], ExitCodes.Usage, ["--learning-rate"] },
        { "textual-inversion", ["--eval-batch-size", "0"], ExitCodes.Usage, ["--eval-batch-size"] },
        { "textual-inversion", ["--resolution", "36"], ExitCodes.Usage, ["--resolution", "36"] },
        { "textual-inversion", ["--templates", "a photo of it"], ExitCodes.Usage, ["--templates"] },
        { "textual-inversion", ["--vectors", "76"], ExitCodes.Usage, ["--vectors", "75"] },
        { "textual-inversion", ["--lag", "3"], ExitCodes.Usage, ["--lag", "--criterion dvar"] },
        { "textual-inversion", ["--criterion", "ema"], ExitCodes.Usage, ["--criterion ema needs", "--lag"] },
        { "textual-inversion", ["--class-prompt", "a photo of a dog"], ExitCodes.Usage, ["--class-images", "--class-prompt"] },
        { "textual-inversion", ["--progress-every", "0"], ExitCodes.Usage, ["--progress-every"] },
        { "textual-inversion", ["--threads", "0"], ExitCodes.Usage, ["--threads"] },
        { "textual-inversion", ["--device", "gpu"], ExitCodes.Usage, ["--device", "gpu"] },
        { "textual-inversion", ["--device", "cuda"], ExitCodes.Usage, ["--device cuda", "TorchSharp-cuda-linux", "TorchSharp-cpu"] },
        { "textual-inversion", ["--dtype", "float64"], ExitCodes.Usage, ["--dtype", "float64"] },
        { "dreambooth-lora", ["--vectors", "2"], ExitCodes.Usage, ["--vectors"] },
        { "textual-inversion", ["--no-augmentation"], ExitCodes.Usage, ["--no-augmentation"] },
        { "dreambooth-lora", ["--rank", "0"], ExitCodes.Usage, ["--rank", "at least 1"] },
        { "dreambooth-lora", ["--no-train-token"], ExitCodes.Usage, ["--init-token", "--no-train-token"] },
        { "custom-diffusion", ["--init-token", "two words"], ExitCodes.Usage, ["--init-token"] },
        { "custom-diffusion", ["--class-images", "/nonexistent-dvar-folder", "--class-prompt", "a dog"], ExitCodes.InputData, ["--class-images", "/nonexistent-dvar-folder"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Train_BadInput_ExitsWithDocumentedCodeAndOneLine(string method, string[] options, int exitCode, string[] fragments)
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args(method, options));

        run.AssertFails(exitCode, ["dvar train " + method, .. fragments]);
    }

    [Fact]
    public void Train_BadToken_ExitsWithUsageCodeNamingIt()
    {
        using var training = new TinyTraining();
        string[] args = training.Args("textual-inversion");
        args[Array.IndexOf(args, TinyTraining.Token)] = "two words";

        CliRun.Of(args).AssertFails(ExitCodes.Usage, "--token");
    }

    [Fact]
    public void Train_MissingModelFolder_ExitsWithInputDataCode()
    {
        using var training = new TinyTraining();
        string[] args = training.Args("textual-inversion");
        args[Array.IndexOf(args, FixturePaths.SdTiny)] = training.Folder.Combine("no-model");

        CliRun.Of(args).AssertFails(ExitCodes.InputData, "--model", "no-model", "does not exist");
    }

    [Fact]
    public void Train_ModelFolderWithoutModelIndex_ExitsWithInputDataCodeNamingTheFile()
    {
        using var training = new TinyTraining();
        string[] args = training.Args("textual-inversion");
        args[Array.IndexOf(args, FixturePaths.SdTiny)] = training.Images;

        CliRun.Of(args).AssertFails(ExitCodes.InputData, "--model", "model_index.json");
    }

    [Fact]
    public void Train_MissingImagesFolder_ExitsWithInputDataCode()
    {
        using var training = new TinyTraining();
        string[] args = training.Args("textual-inversion");
        args[Array.IndexOf(args, training.Images)] = training.Folder.Combine("no-images");

        CliRun.Of(args).AssertFails(ExitCodes.InputData, "--images", "no-images");
    }

    [Fact]
    public void Train_ImagesFolderWithoutImages_ExitsWithInputDataCode()
    {
        using var training = new TinyTraining();
        string empty = Directory.CreateDirectory(training.Folder.Combine("empty")).FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images here");
        string[] args = training.Args("textual-inversion");
        args[Array.IndexOf(args, training.Images)] = empty;

        CliRun.Of(args).AssertFails(ExitCodes.InputData, "--images", ".png");
    }

    [Fact]
    public void Train_MissingRequiredOption_ExitsWithUsageCodeNamingIt()
    {
        CliRun.Of(["train", "textual-inversion", "--model", "m", "--images", "i", "--init-token", "toy", "--out", "o"])
            .AssertFails(ExitCodes.Usage, "--token");
    }

    [Fact]
    public void Train_ParseErrorAndHelp_NeverLoadTorchSharp()
    {
        var failed = IsolatedCli.Run(["train", "dreambooth-lora", "--model", "m", "--rank", "x"]);
        var help = IsolatedCli.Run(["train", "custom-diffusion", "--help"]);

        Assert.Equal(ExitCodes.Usage, failed.ExitCode);
        Assert.Equal(ExitCodes.Success, help.ExitCode);
        Assert.Contains("dvar", help.Loaded);
        Assert.DoesNotContain(failed.Loaded.Concat(help.Loaded), name => name is "TorchSharp" or "Dvar.Stopping.TorchSharp");
    }

    [Fact]
    public void Train_Help_ListsCommonAndMethodOptions()
    {
        var run = CliRun.Of(["train", "dreambooth-lora", "--help"]);

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--model", "--images", "--token", "--init-token", "--out", "--device", "--max-steps", "--criterion", "--window", "--resume", "--rank", "--no-train-feed-forward", "--no-train-token" })
        {
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("--vectors", run.Output, StringComparison.Ordinal);
    }

    private static double DvarRatio(List<double> values, int k, int window)
    {
        double all = PopulationVariance(values.Take(k).ToList());
        return all == 0 ? double.NaN : PopulationVariance(values.Skip(k - window).Take(window).ToList()) / all;
    }

    private static double PopulationVariance(List<double> values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Count;
    }
}
