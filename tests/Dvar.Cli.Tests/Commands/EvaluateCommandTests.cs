using System.Text.Json;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar evaluate</c> end to end on the tiny pipeline, tiny CLIP and tiny DINO (random weights: the scores mean
/// nothing, but they must be cosines, reproducible, and equal to what the same formulas give on the saved images).</summary>
public sealed class EvaluateCommandTests
{
    private static readonly string[] Quick = ["--steps", "2", "--train-samples", "3", "--samples-per-prompt", "1", "--threads", "1"];

    [Fact]
    public void Evaluate_Run_ScoresAreCosinesAndBitReproducible()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--max-steps", "2")).AssertSucceeded();

        string[] args = ["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--dino", FixturePaths.DinoTiny, "--run", training.Output, "--format", "json", .. Quick];
        var first = CliRun.Of(args);
        var second = CliRun.Of(args);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
        using var json = JsonDocument.Parse(first.Output);
        var row = Assert.Single(json.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal("textual-inversion", row.GetProperty("method").GetString());
        Assert.Equal(TinyTraining.Token, row.GetProperty("placeholder").GetString());
        Assert.Equal(2, row.GetProperty("steps").GetDouble());
        foreach (var name in new[] { "trainClipImage", "trainClipImageAllPairs", "validationClipImage", "validationClipText", "dinoImage" })
        {
            Assert.InRange(row.GetProperty(name).GetDouble(), -1.0, 1.0);
        }
    }

    [Fact]
    public void Evaluate_Progress_ReportsEachBatchOnStandardError()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--max-steps", "1")).AssertSucceeded();

        var run = CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--run", training.Output, .. Quick]);

        Assert.Equal(0, run.ExitCode);
        // sd-tiny names PNDM: 2 steps visit 3 timesteps. Standard error is not a terminal here, so each batch's last step is a line.
        Assert.Contains("dvar evaluate: out: training prompts, denoising step 3/3", run.Error, StringComparison.Ordinal);
        Assert.Contains("dvar evaluate: out: validation prompts, denoising step 3/3", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("step 2/3", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TwoRuns_AddsTheirMeanAndSampleStd()
    {
        using var a = new TinyTraining();
        using var b = new TinyTraining();
        CliRun.Of(a.Args("textual-inversion", "--max-steps", "1")).AssertSucceeded();
        CliRun.Of(b.Args("textual-inversion", "--max-steps", "3", "--seed", "5")).AssertSucceeded();

        var run = CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--run", a.Output, "--run", b.Output, "--format", "json", .. Quick]);

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("trainClipImage").GetDouble()).ToArray();
        Assert.Equal(2, rows.Length);
        double mean = (rows[0] + rows[1]) / 2;
        double std = Math.Sqrt((((rows[0] - mean) * (rows[0] - mean)) + ((rows[1] - mean) * (rows[1] - mean))) / 1);
        Assert.Equal(mean, json.RootElement.GetProperty("mean").GetProperty("trainClipImage").GetDouble(), 12);
        Assert.Equal(std, json.RootElement.GetProperty("std").GetProperty("trainClipImage").GetDouble(), 12);
        Assert.Equal(2.0, json.RootElement.GetProperty("mean").GetProperty("steps").GetDouble());
        Assert.True(json.RootElement.GetProperty("dino").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public void Evaluate_Markdown_HasOneRowPerRunAndTheMeanRow()
    {
        using var a = new TinyTraining();
        CliRun.Of(a.Args("textual-inversion", "--max-steps", "1")).AssertSucceeded();

        var run = CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--run", a.Output, "--run", a.Output, .. Quick]);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n');
        Assert.StartsWith("| run | method | steps | minutes | train CLIP img | train CLIP img, all pairs | val CLIP img | val CLIP txt |", lines[0], StringComparison.Ordinal);
        Assert.Equal(2, lines.Count(l => l.StartsWith("| out | textual-inversion |", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("| mean ± std |", StringComparison.Ordinal) && l.Contains("± 0.000", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_Out_SavesEverySampleAndTheirScoresMatchTheSavedFiles()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--max-steps", "2")).AssertSucceeded();
        string output = training.Folder.Combine("evaluation");
        // References at the model's 32 px, so that loading them does not resample them.
        string references = ConceptFolder.Write(training.Folder.Combine("references"), count: 2, size: 32);

        var run = CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--run", training.Output, "--images", references, "--out", output, "--format", "json", .. Quick]);

        Assert.Equal(0, run.ExitCode);
        string samples = Path.Combine(output, "out");
        var train = Directory.GetFiles(samples, "train-*.png").Order(StringComparer.Ordinal).ToArray();
        var validation = Directory.GetFiles(samples, "val-*.png");
        Assert.Equal(3, train.Length);
        Assert.Equal(3, validation.Length);
        Assert.EndsWith("train-00-a-photo-of-a-toy.png", train[0], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(samples, "grid.png")));
        Assert.True(File.Exists(Path.Combine(output, "evaluation.md")));
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "evaluation.json")));
        using var printed = JsonDocument.Parse(run.Output);
        Assert.Equal(
            printed.RootElement.GetProperty("rows")[0].GetProperty("trainClipImage").GetDouble(),
            saved.RootElement.GetProperty("rows")[0].GetProperty("trainClipImage").GetDouble());

        // The same paired cosine computed from the PNG files, as the authors score PIL images: the samples are quantised to
        // 8 bits before CLIP either way, so the two agree.
        double fromFiles = ClipFiles.PairedCosine(FixturePaths.ClipTiny, train, Directory.GetFiles(references).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(fromFiles, printed.RootElement.GetProperty("rows")[0].GetProperty("trainClipImage").GetDouble(), 4);
    }

    [Fact]
    public void Evaluate_Artifact_ScoresTheEmbeddingWithTheGivenImages()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--max-steps", "2")).AssertSucceeded();
        string artifact = Path.Combine(training.Output, "learned_embeds.safetensors");

        var fromArtifact = CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--artifact", artifact, "--images", training.Images, "--format", "json", .. Quick]);
        var fromRun = CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--run", training.Output, "--format", "json", .. Quick]);

        Assert.Equal(0, fromArtifact.ExitCode);
        using var a = JsonDocument.Parse(fromArtifact.Output);
        using var r = JsonDocument.Parse(fromRun.Output);
        Assert.Equal("learned_embeds.safetensors", a.RootElement.GetProperty("rows")[0].GetProperty("name").GetString());
        // Same artifact, images, templates (the run's are the default object templates) and seed: the same scores.
        Assert.Equal(
            r.RootElement.GetProperty("rows")[0].GetProperty("trainClipImage").GetDouble(),
            a.RootElement.GetProperty("rows")[0].GetProperty("trainClipImage").GetDouble());
    }

    public static TheoryData<string[], int, string> BadInput => new()
    {
        { ["evaluate", "--model", "M", "--clip", "C"], ExitCodes.Usage, "give either --run DIR" },
        { ["evaluate", "--model", "M", "--clip", "C", "--artifact", "x.safetensors"], ExitCodes.Usage, "--artifact needs --images DIR" },
        { ["evaluate", "--model", "M", "--clip", "C", "--run", "/nonexistent/run"], ExitCodes.InputData, "is not a dvar train output folder" },
        { ["evaluate", "--model", "M", "--clip", "C", "--artifact", "/nonexistent/a.safetensors", "--images", "/tmp"], ExitCodes.InputData, "--artifact '/nonexistent/a.safetensors' does not exist" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Evaluate_BadInput_FailsNamingTheProblem(string[] args, int exitCode, string fragment) =>
        CliRun.Of(args).AssertFails(exitCode, fragment);

    [Fact]
    public void Evaluate_MissingClipFolder_IsAnInputError()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--max-steps", "1")).AssertSucceeded();

        CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", "/nonexistent/clip", "--run", training.Output])
            .AssertFails(ExitCodes.InputData, "--clip: the folder '/nonexistent/clip' does not exist");
    }

    [Fact]
    public void Evaluate_PromptFileWithoutPlaceholder_IsAnInputErrorNamingTheLine()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--max-steps", "1")).AssertSucceeded();
        string prompts = training.Folder.Combine("prompts.txt");
        File.WriteAllText(prompts, "# validation prompts\na {} on the moon\na dog on the beach\n");

        CliRun.Of(["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--run", training.Output, "--prompts", prompts])
            .AssertFails(ExitCodes.InputData, "every prompt needs {}", "'a dog on the beach'");
    }

    [Fact]
    public void Evaluate_OutHoldingAnEarlierEvaluation_IsRefusedWithoutOverwrite()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--max-steps", "1")).AssertSucceeded();
        string output = training.Folder.Combine("evaluation");
        string[] args = ["evaluate", "--model", FixturePaths.SdTiny, "--clip", FixturePaths.ClipTiny, "--run", training.Output, "--out", output, .. Quick];
        CliRun.Of(args).AssertSucceeded();
        var before = File.ReadAllText(Path.Combine(output, "evaluation.json"));

        CliRun.Of(args).AssertFails(ExitCodes.InputData, "holds earlier results", "evaluation.md");
        Assert.Equal(before, File.ReadAllText(Path.Combine(output, "evaluation.json")));
        CliRun.Of([.. args, "--overwrite"]).AssertSucceeded();
    }
}
