using System.Text.Json;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

public sealed class GenerateCommandTests
{
    public static TheoryData<string, string> Methods => new()
    {
        { "textual-inversion", "--embeddings learned_embeds.safetensors" },
        { "dreambooth-lora", "--lora pytorch_lora_weights.safetensors --embeddings learned_embeds.safetensors" },
        { "custom-diffusion", "--custom-diffusion ." },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Generate_LearnedArtifacts_WritesPngsOfTheRequestedSize(string method, string artifactOptions)
    {
        using var training = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args(method, "--max-steps", "1")).ExitCode);
        string[] artifacts = [.. artifactOptions.Split(' ').Select(a => a.StartsWith("--", StringComparison.Ordinal) ? a : Path.Combine(training.Output, a))];
        string output = training.Folder.Combine("images-out", "cat.png");

        var run = CliRun.Of(
        [
            "generate", "--model", FixturePaths.SdTiny, .. artifacts, "--prompt", $"a photo of {TinyTraining.Token}", "--out", output,
            "--steps", "2", "--width", "48", "--height", "32", "--count", "2", "--seed", "3", "--threads", "1",
        ]);

        Assert.True(run.ExitCode == 0, run.Error);
        string[] expected = [training.Folder.Combine("images-out", "cat-1.png"), training.Folder.Combine("images-out", "cat-2.png")];
        Assert.Equal(expected, run.Output.TrimEnd('\n').Split('\n'));
        Assert.All(expected, path => Assert.Equal((48, 32), PngHeader.Size(path)));
    }

    [Fact]
    public void Generate_JsonFormat_ListsTheImageAndTheSettings()
    {
        using var folder = new TemporaryFolder();
        string output = folder.Combine("one.png");

        var run = CliRun.Of(["generate", "--model", FixturePaths.SdTiny, "--prompt", "a cat", "--out", output, "--steps", "1", "--threads", "1", "--format", "json"]);

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(output, Assert.Single(json.RootElement.GetProperty("images").EnumerateArray()).GetString());
        Assert.Equal(32, json.RootElement.GetProperty("width").GetInt32());
        Assert.Equal((32, 32), PngHeader.Size(output));
    }

    [Theory]
    [InlineData(null, "pndm")]
    [InlineData("folder", "pndm")]
    [InlineData("ddim", "ddim")]
    [InlineData("pndm", "pndm")]
    public void Generate_Scheduler_JsonNamesTheSamplerUsed(string? scheduler, string expected)
    {
        using var folder = new TemporaryFolder();
        string[] choice = scheduler is null ? [] : ["--scheduler", scheduler];

        var run = CliRun.Of(["generate", "--model", FixturePaths.SdTiny, "--prompt", "a cat", "--out", folder.Combine("one.png"), "--steps", "2", "--threads", "1", "--format", "json", .. choice]);

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(expected, json.RootElement.GetProperty("scheduler").GetString());
    }

    [Fact]
    public void Generate_FolderNamingAnotherScheduler_NeedsAnExplicitScheduler()
    {
        using var folder = new TemporaryFolder();
        string model = folder.Combine("model");
        Directory.CreateDirectory(model);
        foreach (string entry in Directory.EnumerateFileSystemEntries(FixturePaths.SdTiny))
        {
            string name = Path.GetFileName(entry);
            if (name != "scheduler")
            {
                if (Directory.Exists(entry))
                {
                    Directory.CreateSymbolicLink(Path.Combine(model, name), entry);
                }
                else
                {
                    File.CreateSymbolicLink(Path.Combine(model, name), entry);
                }
            }
        }

        Directory.CreateDirectory(Path.Combine(model, "scheduler"));
        string config = File.ReadAllText(Path.Combine(FixturePaths.SdTiny, "scheduler", "scheduler_config.json"));
        File.WriteAllText(Path.Combine(model, "scheduler", "scheduler_config.json"), config.Replace("PNDMScheduler", "EulerDiscreteScheduler", StringComparison.Ordinal));
        string[] args = ["generate", "--model", model, "--prompt", "a cat", "--out", folder.Combine("one.png"), "--steps", "1", "--threads", "1"];

        CliRun.Of(args).AssertFails(ExitCodes.Usage, "dvar generate", "--scheduler folder", "EulerDiscreteScheduler", "--scheduler ddim");
        var run = CliRun.Of([.. args, "--scheduler", "ddim"]);
        Assert.True(run.ExitCode == 0, run.Error);
    }

    public static TheoryData<string[], int, string[]> BadInputs => new()
    {
        { ["--out", "x.jpg"], ExitCodes.Usage, ["--out", ".png"] },
        { ["--lora-scale", "0.5"], ExitCodes.Usage, ["--lora-scale", "--lora"] },
        { ["--embeddings", "/nonexistent-dvar/learned_embeds.safetensors"], ExitCodes.InputData, ["--embeddings", "/nonexistent-dvar/learned_embeds.safetensors"] },
        { ["--lora", "/nonexistent-dvar/pytorch_lora_weights.safetensors"], ExitCodes.InputData, ["--lora"] },
        { ["--custom-diffusion", "/nonexistent-dvar"], ExitCodes.InputData, ["--custom-diffusion"] },
        { ["--steps", "0"], ExitCodes.Usage, ["--steps", "0"] },
        { ["--width", "30"], ExitCodes.Usage, ["--width", "30"] },
        { ["--count", "0"], ExitCodes.Usage, ["--count"] },
        { ["--guidance", "NaN"], ExitCodes.Usage, ["--guidance"] },
        { ["--scheduler", "euler"], ExitCodes.Usage, ["--scheduler", "folder, ddim, pndm", "euler"] },
        { ["--device", "cuda:1"], ExitCodes.Usage, ["--device cuda:1", "TorchSharp-cuda"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Generate_BadInput_ExitsWithDocumentedCodeAndOneLine(string[] options, int exitCode, string[] fragments)
    {
        using var folder = new TemporaryFolder();
        var args = new List<string> { "generate", "--model", FixturePaths.SdTiny, "--prompt", "a cat", "--out", folder.Combine("x.png"), "--steps", "1", "--threads", "1" };
        for (int i = 0; i < options.Length; i += 2)
        {
            int at = args.IndexOf(options[i]);
            if (at >= 0)
            {
                args[at + 1] = options[i + 1];
            }
            else
            {
                args.AddRange(options[i..(i + 2)]);
            }
        }

        CliRun.Of([.. args]).AssertFails(exitCode, ["dvar generate", .. fragments]);
    }

    [Fact]
    public void Generate_MissingModelFolder_ExitsWithInputDataCode()
    {
        using var folder = new TemporaryFolder();

        CliRun.Of(["generate", "--model", folder.Combine("nothing"), "--prompt", "a cat", "--out", folder.Combine("x.png")])
            .AssertFails(ExitCodes.InputData, "dvar generate", "--model", "nothing");
    }

    [Fact]
    public void Generate_Help_NeverLoadsTorchSharp()
    {
        var (exitCode, loaded) = IsolatedCli.Run(["generate", "--help"]);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.DoesNotContain(loaded, name => name is "TorchSharp" or "Dvar.Stopping.TorchSharp");
    }
}
