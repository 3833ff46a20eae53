using System.Text.Json.Nodes;
using Dvar.Cli.Tests.Support;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar train --eval-dtype</c>: L_det on a second copy of the model in another type, the training untouched.</summary>
public sealed class TrainEvalDtypeTests
{
    private static readonly string[] Common = ["--max-steps", "3", "--window", "50", "--format", "json"];

    [Fact]
    public void Train_BFloat16WithFloat32Evaluation_TrainsTheSameStepsAndLogsOtherDeterministicLosses()
    {
        var bfloat16 = Run(["--dtype", "bfloat16", "--eval-dtype", "bfloat16"]);
        var float32Evaluation = Run(["--dtype", "bfloat16", "--eval-dtype", "float32"]);
        var cpuDefault = Run(["--dtype", "bfloat16"]);

        // The evaluation never touches the training: the same training losses and the same saved embedding.
        Assert.Equal(bfloat16.TrainingLosses, float32Evaluation.TrainingLosses);
        Assert.Equal(bfloat16.Embedding, float32Evaluation.Embedding);

        // --eval-dtype equal to --dtype evaluates on the training pipeline itself; float32 gives other numbers, and is the
        // CPU's default.
        Assert.Equal(4, float32Evaluation.DeterministicLosses.Length);
        Assert.Equal(float32Evaluation.DeterministicLosses, cpuDefault.DeterministicLosses);
        Assert.All(float32Evaluation.DeterministicLosses.Zip(bfloat16.DeterministicLosses), p => Assert.NotEqual(p.Second, p.First));

        // Recorded with the run's options, so a resume under another evaluation type is told apart.
        Assert.Equal("\"Float32\"", float32Evaluation.Options["EvaluationDtype"]!.GetValue<string>());
    }

    [Fact]
    public void Train_UnknownEvalDtype_ExitsWithUsageCodeNamingIt()
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args("textual-inversion", "--eval-dtype", "float64")).AssertFails(ExitCodes.Usage, ["--eval-dtype", "float64"]);
    }

    [Fact]
    public void Train_BFloat16OnTheCpuByDefault_SaysItLoadsAFloat32Copy()
    {
        using var training = new TinyTraining();
        using var explicitCopy = new TinyTraining();

        var byDefault = CliRun.Of(training.Args("textual-inversion", [.. Common, "--dtype", "bfloat16"]));
        var asked = CliRun.Of(explicitCopy.Args("textual-inversion", [.. Common, "--dtype", "bfloat16", "--eval-dtype", "float32"]));

        Assert.Equal(0, byDefault.ExitCode);
        Assert.Contains("computing L_det on a float32 copy of the model", byDefault.Error, StringComparison.Ordinal);
        Assert.Contains("--eval-dtype bfloat16", byDefault.Error, StringComparison.Ordinal);
        Assert.Equal(0, asked.ExitCode);
        Assert.DoesNotContain("float32 copy", asked.Error, StringComparison.Ordinal);
    }

    private static (double[] TrainingLosses, double[] DeterministicLosses, byte[] Embedding, JsonObject Options) Run(string[] options)
    {
        using var training = new TinyTraining();
        var run = CliRun.Of(training.Args("textual-inversion", [.. Common, .. options]));
        Assert.True(run.ExitCode == 0, run.Error);
        string[] rows = File.ReadAllLines(Path.Combine(training.Output, "history.csv"));
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToList();
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(training.Output, "training-options.json")))!["options"]!.AsObject();
        return (
            [.. cells.Skip(1).Select(c => double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture))],
            [.. cells.Select(c => double.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture))],
            File.ReadAllBytes(Path.Combine(training.Output, "learned_embeds.safetensors")),
            recorded);
    }
}
