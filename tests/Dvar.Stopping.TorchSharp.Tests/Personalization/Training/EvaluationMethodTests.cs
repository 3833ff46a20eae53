using System.Globalization;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary><see cref="PersonalizationTrainerOptions.EvaluationMethod"/>: L_det computed on a second copy of the model (the
/// float32 evaluation of a bfloat16 run).</summary>
public class EvaluationMethodTests
{
    private const int Steps = 4;
    private const long EvaluationSeed = 5;

    public static TheoryData<string> Methods => ["textual-inversion", "dreambooth-lora", "custom-diffusion"];

    /// <summary>Two float32 copies hold the same parameters after every copy, so a run that evaluates on the second copy must
    /// log exactly the L_det of a run that evaluates on the trained copy; a parameter the copy missed keeps its initial
    /// value there and changes the trace.</summary>
    [Theory]
    [MemberData(nameof(Methods))]
    public void Train_EvaluationMethodOfTheSameDtype_LogsTheSameDeterministicLossAsEvaluatingTheTrainedMethod(string name)
    {
        var plain = DeterministicLosses(name, evaluationDtype: null);
        var copied = DeterministicLosses(name, evaluationDtype: ScalarType.Float32);

        Assert.Equal(Steps + 1, plain.Length);
        Assert.True(plain.Distinct().Count() > 1, "L_det never moved: the run trains nothing the evaluation sees.");
        Assert.Equal(plain, copied);
    }

    /// <summary>A bfloat16 run evaluated in float32 reports, at its last step, the L_det that a float32 pipeline computes
    /// afresh for the embedding the run saved; evaluated in bfloat16 it reports another number.</summary>
    [Fact]
    public void Train_BFloat16WithFloat32Evaluation_ReportsTheFloat32LossOfTheSavedEmbedding()
    {
        using var folder = new TemporaryFolder();
        var float32Run = Train("textual-inversion", ScalarType.BFloat16, ScalarType.Float32, folder, "f32");
        var bfloat16Run = Train("textual-inversion", ScalarType.BFloat16, evaluationDtype: null, folder, "bf16");
        double float32Evaluated = float32Run.FinalDeterministicLoss!.Value;
        double bfloat16Evaluated = bfloat16Run.FinalDeterministicLoss!.Value;
        string artifact = float32Run.ArtifactPaths[0];

        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var method = NewMethod("textual-inversion");
        method.Attach(pipeline);
        using (no_grad())
        {
            using var saved = SafetensorsFile.ReadAll(artifact)["<toy>"];
            ((TextualInversion)method).Embeddings!.copy_(saved);
        }

        using var data = TinyConcept.Create(folder, placeholder: method.Placeholder);
        using var evaluator = new DeterministicEvaluator(method, data, new DeterministicEvaluatorOptions { BatchSize = 4, Seed = EvaluationSeed });
        double expected = evaluator.Evaluate();

        Assert.Equal(expected, float32Evaluated);
        Assert.NotEqual(expected, bfloat16Evaluated);

        // The summary says which type computed the losses it reports.
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(float32Run.SummaryPath))!;
        Assert.Equal("bfloat16", summary["dtype"]!.GetValue<string>());
        Assert.Equal("float32", summary["evaluationDtype"]!.GetValue<string>());
        var plain = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(bfloat16Run.SummaryPath))!;
        Assert.Equal("bfloat16", plain["evaluationDtype"]!.GetValue<string>());
    }

    [Fact]
    public void Validate_EvaluationMethodThatCannotMirrorTheTrainedOne_IsRefusedNamingTheOption()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var other = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var method = NewMethod("textual-inversion");
        method.Attach(pipeline);
        using var data = TinyConcept.Create(folder, placeholder: method.Placeholder);
        var options = new PersonalizationTrainerOptions { Method = method, Data = data, OutputFolder = folder.Path };

        using var unattached = NewMethod("textual-inversion");
        using var twoVectors = new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<toy>", InitializerToken = "toy", NumVectors = 2 });
        twoVectors.Attach(other);
        using var otherPipelineForKind = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var otherKind = new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<toy>", InitializerToken = "toy" });
        otherKind.Attach(otherPipelineForKind);
        using var samePipeline = new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<other>", InitializerToken = "toy" });
        samePipeline.Attach(pipeline);

        (PersonalizationMethod Candidate, string Says)[] cases =
        [
            (method, "not the trained method itself"),
            (unattached, "is not attached"),
            (samePipeline, "trained method's own pipeline"),
            (otherKind, "it must be the trained method's kind, textual-inversion"),
            (twoVectors, "placeholder '<toy> <toy"),
        ];
        foreach (var (candidate, says) in cases)
        {
            var e = Assert.Throws<ArgumentException>(() => new PersonalizationTrainer(options with { EvaluationMethod = candidate }));
            Assert.Equal(nameof(PersonalizationTrainerOptions.EvaluationMethod), e.ParamName);
            Assert.Contains(says, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_EvaluationMethodWithOtherParameterShapes_IsRefusedNamingBothShapes()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var other = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var method = new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<toy>", InitializerToken = "toy", Rank = 4 });
        method.Attach(pipeline);
        using var rank2 = new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<toy>", InitializerToken = "toy", Rank = 2 });
        rank2.Attach(other);
        using var data = TinyConcept.Create(folder, placeholder: method.Placeholder);
        var options = new PersonalizationTrainerOptions { Method = method, Data = data, OutputFolder = folder.Path, EvaluationMethod = rank2 };

        var e = Assert.Throws<ArgumentException>(() => new PersonalizationTrainer(options));

        Assert.Equal(nameof(PersonalizationTrainerOptions.EvaluationMethod), e.ParamName);
        var (name, parameter) = method.TrainableParameters.First(p => p.Parameter.shape.Contains(4));
        Assert.Contains($"'{name}' [{string.Join(", ", parameter.shape)}]", e.Message, StringComparison.Ordinal);
        Assert.Contains($"[{string.Join(", ", parameter.shape.Select(d => d == 4 ? 2 : d))}]", e.Message, StringComparison.Ordinal);
    }

    private static PersonalizationMethod NewMethod(string name) => name switch
    {
        "textual-inversion" => new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<toy>", InitializerToken = "toy" }),
        "dreambooth-lora" => new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<toy>", InitializerToken = "toy" }),
        _ => new CustomDiffusion(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers, ModifierToken = "<toy>", InitializerToken = "toy" }),
    };

    /// <summary>Trains <see cref="Steps"/> steps of a method in float32 and returns the L_det of steps 0..Steps.</summary>
    private static double[] DeterministicLosses(string name, ScalarType? evaluationDtype)
    {
        using var folder = new TemporaryFolder();
        var result = Train(name, ScalarType.Float32, evaluationDtype, folder, "out");
        return [.. TrainerRun.History(result).TrimEnd('\n').Split('\n').Skip(1).Select(r => double.Parse(r.Split(',')[2], CultureInfo.InvariantCulture))];
    }

    /// <summary>Trains <see cref="Steps"/> steps with the frozen models in <paramref name="dtype"/>, evaluating on a second copy in
    /// <paramref name="evaluationDtype"/> (null: on the trained pipeline).</summary>
    private static TrainingResult Train(string name, ScalarType dtype, ScalarType? evaluationDtype, TemporaryFolder folder, string output)
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny, dtype: dtype);
        using var method = NewMethod(name);
        method.Attach(pipeline);
        using var evaluationPipeline = evaluationDtype is { } other ? StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny, dtype: other) : null;
        using var evaluationMethod = evaluationPipeline is null ? null : NewMethod(name);
        evaluationMethod?.Attach(evaluationPipeline!);
        // Custom Diffusion under diffusers' recipe rescales the photos at random (in training and in the evaluation batch).
        using var data = TinyConcept.Create(folder, placeholder: method.Placeholder, keepOriginals: method.Defaults.RescaleAugmentation);
        return new PersonalizationTrainer(Options(method, data, folder, output, evaluationMethod)).Train();
    }

    private static PersonalizationTrainerOptions Options(
        PersonalizationMethod method, Dvar.Stopping.TorchSharp.Personalization.Data.ConceptData data, TemporaryFolder folder, string output, PersonalizationMethod? evaluationMethod) => new()
    {
        Method = method,
        Data = data,
        OutputFolder = Path.Combine(folder.Path, output),
        MaxSteps = Steps,
        LearningRate = 0.05,
        BatchSize = 2,
        EvaluationBatchSize = 4,
        TrainingSeed = 3,
        EvaluationSeed = EvaluationSeed,
        Criterion = new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 100 }),
        EvaluationMethod = evaluationMethod,
    };
}
