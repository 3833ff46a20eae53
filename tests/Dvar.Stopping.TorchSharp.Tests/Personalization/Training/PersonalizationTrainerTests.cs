using System.Globalization;
using System.Text.Json.Nodes;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Testing;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

public class PersonalizationTrainerTests
{
    [Fact]
    public void Train_WithAndWithoutEvaluation_TrainsBitIdenticalParameters()
    {
        var withEvaluation = RunAndSnapshot(evaluationFrequency: 1);
        var without = RunAndSnapshot(evaluationFrequency: 0);

        Assert.Equal(withEvaluation.TrainingLosses, without.TrainingLosses);
        Assert.True(withEvaluation.Parameters.Equals(without.Parameters), "The evaluator changed the trained parameters.");
        Assert.Equal(TrainingStopReason.StepCap, without.Result.StopReason);
        Assert.Null(without.Result.Decision);
        Assert.Equal(PersonalizationTrainerCsvHeader + "\n", without.History);
    }

    [Fact]
    public void Train_CriterionNeverFires_RunsEveryStepAndWritesTheOutputs()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        var options = TrainerRun.Options(setup, maxSteps: 5) with { Criterion = new DvarCriterion(new DvarOptions { Window = 50 }) };

        var result = new PersonalizationTrainer(options).Train();

        Assert.Equal(5, result.StepsTrained);
        Assert.Equal(TrainingStopReason.StepCap, result.StopReason);
        Assert.Equal(5, setup.Method.GradientHookCalls);
        Assert.Equal(5, setup.Method.StepHookCalls);
        Assert.Equal("dvar", result.CriterionName);
        Assert.Null(result.Statistic); // DVAR is undefined below its window
        string[] rows = TrainerRun.History(result).TrimEnd('\n').Split('\n');
        Assert.Equal(PersonalizationTrainerCsvHeader, rows[0]);
        Assert.Equal(["0", "1", "2", "3", "4", "5"], rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.Equal("", rows[1].Split(',')[1]); // no training loss at step 0
        Assert.Equal(double.Parse(rows[^1].Split(',')[2], CultureInfo.InvariantCulture), result.FinalDeterministicLoss);
        Assert.All(result.ArtifactPaths, p => Assert.True(File.Exists(p), p));
        var summary = JsonNode.Parse(File.ReadAllText(result.SummaryPath))!;
        Assert.Equal("StepCap", summary["stopReason"]!.GetValue<string>());
        Assert.Equal(5, summary["stepsTrained"]!.GetValue<long>());
        Assert.Equal("test-conv-in-bias", summary["method"]!.GetValue<string>());
        Assert.Equal(["test_weights.safetensors"], summary["artifacts"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Null(result.CheckpointPath);
    }

    [Fact]
    public void Train_EvaluationEveryThirdStep_EvaluatesStepZeroEveryThirdStepAndTheCap()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        var options = TrainerRun.Options(setup, maxSteps: 7, evaluationFrequency: 3);

        var result = new PersonalizationTrainer(options).Train();

        string[] steps = [.. TrainerRun.History(result).TrimEnd('\n').Split('\n').Skip(1).Select(r => r.Split(',')[0])];
        Assert.Equal(["0", "3", "6", "7"], steps);
        Assert.Equal(7, result.StepsTrained);
    }

    [Fact]
    public void Train_TextualInversionWithDvar_StopsBeforeTheCapAndLogsTheStop()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var method = new TextualInversion(new TextualInversionOptions { Token = "<toy>", InitializerToken = "toy" });
        method.Attach(pipeline);
        using var data = TinyConcept.Create(folder, placeholder: method.Placeholder);
        var logger = new ListLogger();
        var dvar = new DvarOptions { Window = 20, Threshold = 0.2 };
        var options = new PersonalizationTrainerOptions
        {
            Method = method,
            Data = data,
            OutputFolder = Path.Combine(folder.Path, "output"),
            MaxSteps = 200,
            LearningRate = 0.1,
            EvaluationBatchSize = 4,
            Criterion = new DvarCriterion(dvar),
        };

        var result = new PersonalizationTrainer(options, logger).Train();

        Assert.Equal(TrainingStopReason.CriterionFired, result.StopReason);
        Assert.InRange(result.StepsTrained, dvar.Window, 199);
        Assert.Equal(StopReason.ThresholdReached, result.Decision!.Value.Reason);
        Assert.True(result.Statistic < dvar.Threshold, $"statistic {result.Statistic}");
        Assert.True(result.FinalDeterministicLoss < TrainerRun.FirstDeterministicLoss(result), "L_det did not decrease.");
        var stop = Assert.Single(logger.Entries, e => e.Event.Name == "TrainingStopped");
        Assert.Equal(LogLevel.Information, stop.Level);
        Assert.Equal(TrainingStopReason.CriterionFired, stop.Values["StopReason"]);
        Assert.Equal(StopReason.ThresholdReached, stop.Values["CriterionReason"]);
        Assert.Equal(result.Statistic, stop.Values["Statistic"]);
        Assert.Equal(result.StepsTrained, stop.Values["Steps"]);
        Assert.Single(logger.Entries, e => e.Event.Name == "MonitorStop");
        Assert.EndsWith(",1", TrainerRun.History(result).TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal([Path.Combine(options.OutputFolder, TextualInversion.EmbeddingsFileName)], result.ArtifactPaths);
        var saved = SafetensorsFile.ReadAll(result.ArtifactPaths[0]);
        Assert.True(saved["<toy>"].Equals(method.Embeddings!.detach()), "The artifact holds other rows than the trained ones.");
        var summary = JsonNode.Parse(File.ReadAllText(result.SummaryPath))!;
        Assert.Equal("CriterionFired", summary["stopReason"]!.GetValue<string>());
        Assert.Equal("ThresholdReached", summary["criterion"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Train_BFloat16Pipeline_TrainsFloat32ParametersWithAFiniteFloat32Loss()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny, dtype: ScalarType.BFloat16);
        using var method = new TextualInversion(new TextualInversionOptions { Token = "<toy>", InitializerToken = "toy" });
        method.Attach(pipeline);
        using var data = TinyConcept.Create(folder, placeholder: method.Placeholder);
        var before = method.Embeddings!.detach().clone();
        var losses = new List<double?>();
        var options = new PersonalizationTrainerOptions
        {
            Method = method,
            Data = data,
            OutputFolder = Path.Combine(folder.Path, "output"),
            MaxSteps = 1,
            LearningRate = 0.1,
            EvaluationBatchSize = 2,
        };

        var result = new PersonalizationTrainer(options, progress: new SynchronousProgress<TrainingProgress>(p => losses.Add(p.TrainingLoss))).Train();

        Assert.Equal(ScalarType.Float32, method.Embeddings!.dtype);
        Assert.False(before.Equals(method.Embeddings.detach()), "The float32 rows did not change.");
        Assert.True(double.IsFinite(result.FinalDeterministicLoss!.Value));
        Assert.All(losses.Skip(1), l => Assert.True(double.IsFinite(l!.Value)));
    }

    [Fact]
    public void Train_Progress_ReportsStepZeroAndEveryStepWithLossesAndEta()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        var reports = new List<TrainingProgress>();
        var options = TrainerRun.Options(setup, maxSteps: 4, evaluationFrequency: 2);

        new PersonalizationTrainer(options, progress: new SynchronousProgress<TrainingProgress>(reports.Add)).Train();

        Assert.Equal([0L, 1, 2, 3, 4], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(4, r.MaxSteps));
        Assert.Null(reports[0].TrainingLoss);
        Assert.Null(reports[0].EstimatedRemaining);
        Assert.All(reports.Skip(1), r => Assert.True(r.TrainingLoss > 0));
        Assert.Equal([true, false, true, false, true], reports.Select(r => r.DeterministicLoss is not null));
        Assert.Equal(TimeSpan.Zero, reports[^1].EstimatedRemaining);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Elapsed <= p.Second.Elapsed));
    }

    [Fact]
    public void Train_UnwritableOutputFolder_ThrowsNamingTheFolderBeforeStepZero()
    {
        // /sys/kernel exists and refuses new files, also to root (the tests run as root in the Debian 13 root).
        const string unwritable = "/sys/kernel";
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        var reports = new List<TrainingProgress>();
        var options = TrainerRun.Options(setup, maxSteps: 2) with { OutputFolder = unwritable };

        var e = Assert.ThrowsAny<Exception>(() => new PersonalizationTrainer(options, progress: new SynchronousProgress<TrainingProgress>(reports.Add)).Train());

        Assert.True(e is UnauthorizedAccessException or IOException, e.GetType().Name);
        Assert.Contains($"'{unwritable}'", e.Message, StringComparison.Ordinal);
        Assert.Empty(reports);
        Assert.Equal(0, setup.Method.StepHookCalls);
    }

    [Fact]
    public void Train_UnwritableCheckpointsFolder_ThrowsNamingItBeforeStepZero()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        Directory.CreateDirectory(setup.Output);
        string checkpoints = Path.Combine(setup.Output, "checkpoints");
        Directory.CreateSymbolicLink(checkpoints, "/sys/kernel"); // a folder nobody can create files in
        var reports = new List<TrainingProgress>();

        var e = Assert.ThrowsAny<Exception>(() => new PersonalizationTrainer(TrainerRun.Options(setup, maxSteps: 2), progress: new SynchronousProgress<TrainingProgress>(reports.Add)).Train());

        Assert.True(e is UnauthorizedAccessException or IOException, e.GetType().Name);
        Assert.Contains($"'{checkpoints}'", e.Message, StringComparison.Ordinal);
        Assert.Empty(reports);
    }

    [Fact]
    public void Train_SecondCall_Throws()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        var trainer = new PersonalizationTrainer(TrainerRun.Options(setup, maxSteps: 1));
        trainer.Train();

        Assert.Throws<InvalidOperationException>(() => trainer.Train());
    }

    [Fact]
    public void Train_WithPriorPreservation_TrainsOnInstanceAndClassItems()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(), withClassImages: true);
        var before = setup.Method.Snapshot();

        var result = new PersonalizationTrainer(TrainerRun.Options(setup, maxSteps: 2) with { PriorLossWeight = 0.5 }).Train();

        Assert.Equal(2, result.StepsTrained);
        Assert.False(before.Equals(setup.Method.Snapshot()));
    }

    [Fact]
    public void Train_Cancelled_WritesACompleteCheckpointAndNoPartialFiles()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Step == 2)
            {
                cancellation.Cancel();
            }
        });
        var options = TrainerRun.Options(setup, maxSteps: 6) with { CheckpointInterval = 1 };

        Assert.ThrowsAny<OperationCanceledException>(() => new PersonalizationTrainer(options, progress: progress).Train(cancellation.Token));

        string checkpoint = PersonalizationTrainer.FindLatestCheckpoint(setup.Output)!;
        Assert.Equal(Path.Combine(setup.Output, "checkpoints", "step-00000002"), checkpoint);
        Assert.Equal(
            ["checkpoints", Path.Combine("checkpoints", "step-00000002"), .. CheckpointFiles.Select(f => Path.Combine("checkpoints", "step-00000002", f))],
            TrainerRun.Files(setup.Output));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Resume_AfterCancellation_ContinuesExactlyAsTheUninterruptedRun(bool rescaleAugmentation)
    {
        // With diffusers' rescale augmentation the training batches draw the augmentation from the training generator and
        // the evaluation batch is augmented from the evaluator's: a resume must restore both streams.
        const int steps = 9;
        var defaults = rescaleAugmentation
            ? SingleParameterMethod.TestDefaults with { RescaleAugmentation = true, Recipe = TrainingRecipe.Diffusers }
            : SingleParameterMethod.TestDefaults;
        Setup Create() => Setup.Create(SingleParameterMethod.UnetConvInBias(defaults), keepOriginals: rescaleAugmentation);
        (TrainingResult Result, Tensor Parameters, string History) uninterrupted;
        using (var setup = Create())
        {
            var result = new PersonalizationTrainer(TrainerRun.Options(setup, steps)).Train();
            uninterrupted = (result, setup.Method.Snapshot(), TrainerRun.History(result));
        }

        string checkpoint;
        using var interrupted = Create();
        using (var cancellation = new CancellationTokenSource())
        {
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Step == 4)
                {
                    cancellation.Cancel();
                }
            });
            var trainer = new PersonalizationTrainer(TrainerRun.Options(interrupted, steps), progress: progress);
            Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(cancellation.Token));
            checkpoint = PersonalizationTrainer.FindLatestCheckpoint(interrupted.Output)!;
        }

        using var resumedSetup = Create();
        var options = TrainerRun.Options(resumedSetup, steps) with { OutputFolder = interrupted.Output };
        var resumed = new PersonalizationTrainer(options).Resume(checkpoint);

        Assert.True(uninterrupted.Parameters.Equals(resumedSetup.Method.Snapshot()), "Resumed parameters differ.");
        Assert.Equal(uninterrupted.History, TrainerRun.History(resumed));
        Assert.Equal(uninterrupted.Result.StepsTrained, resumed.StepsTrained);
        Assert.Equal(uninterrupted.Result.StopReason, resumed.StopReason);
        Assert.Equal(uninterrupted.Result.Decision, resumed.Decision);
        Assert.True(resumed.StepsTrained > 4, $"The resumed run trained no step ({resumed.StepsTrained}).");
        Assert.Equal(resumed.StepsTrained - 4, resumedSetup.Method.StepHookCalls);
    }

    [Theory]
    [InlineData(nameof(PersonalizationTrainerOptions.TrainingSeed))]
    [InlineData(nameof(PersonalizationTrainerOptions.EvaluationSeed))]
    [InlineData(nameof(PersonalizationTrainerOptions.BatchSize))]
    [InlineData(nameof(PersonalizationTrainerOptions.Method))]
    public void Resume_WithAnOptionOfTheRunChanged_ThrowsNamingTheOption(string option)
    {
        using var original = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using (var cancellation = new CancellationTokenSource())
        {
            cancellation.Cancel();
            var trainer = new PersonalizationTrainer(TrainerRun.Options(original, maxSteps: 3, evaluationFrequency: 0));
            Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(cancellation.Token));
        }

        using var other = Setup.Create(option == "Method" ? SingleParameterMethod.TextFinalNormBias() : SingleParameterMethod.UnetConvInBias());
        var options = TrainerRun.Options(other, maxSteps: 3, evaluationFrequency: 0) with { OutputFolder = original.Output };
        options = option switch
        {
            nameof(PersonalizationTrainerOptions.TrainingSeed) => options with { TrainingSeed = 99 },
            nameof(PersonalizationTrainerOptions.EvaluationSeed) => options with { EvaluationSeed = 99 },
            nameof(PersonalizationTrainerOptions.BatchSize) => options with { BatchSize = 3 },
            _ => options,
        };

        var e = Assert.Throws<ArgumentException>(
            () => new PersonalizationTrainer(options).Resume(PersonalizationTrainer.FindLatestCheckpoint(original.Output)!));

        Assert.StartsWith(option + ":", e.Message);
        Assert.Equal("checkpointFolder", e.ParamName);
    }

    private const string PersonalizationTrainerCsvHeader = "step,train_loss,det_loss,statistic,stop";

    private static readonly string[] CheckpointFiles =
        ["checkpoint.json", "generators.safetensors", "monitor.json", "optimizer.bin", "trainable.safetensors"];

    private static (TrainingResult Result, Tensor Parameters, List<double?> TrainingLosses, string History) RunAndSnapshot(int evaluationFrequency)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        var losses = new List<double?>();
        var progress = new SynchronousProgress<TrainingProgress>(p => losses.Add(p.TrainingLoss));
        var result = new PersonalizationTrainer(TrainerRun.Options(setup, maxSteps: 6, evaluationFrequency), progress: progress).Train();
        return (result, setup.Method.Snapshot(), [.. losses.Where(l => l is not null)], TrainerRun.History(result));
    }
}
