using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp.Modules;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

public class TrainingCheckpointTests
{
    [Fact]
    public void Restore_AfterWrite_RestoresOptimizerParametersGeneratorsMonitorAndCountersExactly()
    {
        using var original = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var trained = new TrainingSession(TrainerRun.Options(original, maxSteps: 10), NullLogger.Instance);
        trained.Observe();
        for (int i = 0; i < 3; i++)
        {
            trained.TrainStep();
            trained.Observe();
        }

        string folder = TrainingCheckpoint.Write(trained, original.Output);
        using var fresh = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var restored = new TrainingSession(TrainerRun.Options(fresh, maxSteps: 10), NullLogger.Instance);
        TrainingCheckpoint.Restore(restored, folder, "checkpointFolder");

        var expectedState = (AdamW.State)trained.Optimizer.state_dict().State.Single();
        var actualState = (AdamW.State)restored.Optimizer.state_dict().State.Single();
        Assert.Equal(3, actualState.step);
        Assert.Equal(expectedState.step, actualState.step);
        Assert.True(expectedState.exp_avg.Equals(actualState.exp_avg), "exp_avg");
        Assert.True(expectedState.exp_avg_sq.Equals(actualState.exp_avg_sq), "exp_avg_sq");
        Assert.True(trained.Parameters[0].Equals(restored.Parameters[0]), "parameters");
        Assert.True(trained.Generator.get_state().Equals(restored.Generator.get_state()), "training generator");
        Assert.True(trained.Evaluator!.Generator.get_state().Equals(restored.Evaluator!.Generator.get_state()), "evaluator generator");
        Assert.Equal(trained.Monitor.SaveState().ToJsonString(), restored.Monitor.SaveState().ToJsonString());
        Assert.Equal(trained.Step, restored.Step);
        Assert.Equal(trained.LastTrainingLoss, restored.LastTrainingLoss);

        // The next step of both is the same step.
        Assert.Equal(trained.TrainStep(), restored.TrainStep());
        Assert.True(trained.Parameters[0].Equals(restored.Parameters[0]), "parameters after one more step");
    }

    [Fact]
    public void Write_NewerCheckpoint_KeepsOnlyTheNewestAndNoTemporaryFolder()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var session = new TrainingSession(TrainerRun.Options(setup, maxSteps: 10, evaluationFrequency: 0), NullLogger.Instance);
        session.TrainStep();
        TrainingCheckpoint.Write(session, setup.Output);
        session.TrainStep();

        string newest = TrainingCheckpoint.Write(session, setup.Output);
        string again = TrainingCheckpoint.Write(session, setup.Output);

        Assert.Equal(newest, again);
        Assert.Equal([newest], Directory.GetDirectories(Path.Combine(setup.Output, TrainingCheckpoint.FolderName)));
        Assert.Equal(newest, PersonalizationTrainer.FindLatestCheckpoint(setup.Output));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(setup.Output, "*", SearchOption.AllDirectories), p => Path.GetFileName(p).StartsWith('.'));
    }

    [Fact]
    public void Restore_MissingFile_ThrowsNamingIt()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        string folder;
        using (var session = new TrainingSession(TrainerRun.Options(setup, maxSteps: 10, evaluationFrequency: 0), NullLogger.Instance))
        {
            folder = TrainingCheckpoint.Write(session, setup.Output);
        }

        File.Delete(Path.Combine(folder, "optimizer.bin"));
        using var fresh = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var restored = new TrainingSession(TrainerRun.Options(fresh, maxSteps: 10, evaluationFrequency: 0), NullLogger.Instance);

        var e = Assert.Throws<FileNotFoundException>(() => TrainingCheckpoint.Restore(restored, folder, "checkpointFolder"));

        Assert.Contains("optimizer.bin", e.Message);
    }

    [Theory]
    [InlineData("optimizer.bin", 0.5)]
    [InlineData("optimizer.bin", 0.0)]
    [InlineData("optimizer.bin", 0.98)]
    [InlineData("trainable.safetensors", 0.5)]
    [InlineData("generators.safetensors", 0.5)]
    [InlineData("monitor.json", 0.5)]
    [InlineData("checkpoint.json", 0.5)]
    public void Restore_TruncatedFile_ThrowsInvalidDataNamingTheFile(string file, double keptFraction)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        string folder;
        using (var session = new TrainingSession(TrainerRun.Options(setup, maxSteps: 10), NullLogger.Instance))
        {
            session.Observe();
            session.TrainStep();
            session.Observe();
            folder = TrainingCheckpoint.Write(session, setup.Output);
        }

        string path = Path.Combine(folder, file);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keptFraction)]);
        using var fresh = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var restored = new TrainingSession(TrainerRun.Options(fresh, maxSteps: 10), NullLogger.Instance);

        var e = Record.Exception(() => TrainingCheckpoint.Restore(restored, folder, "checkpointFolder"));

        Assert.True(e is InvalidDataException or FormatException, $"{e?.GetType().Name}: {e?.Message}");
        Assert.Contains(path, e!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(40)]
    public void Restore_DamagedOptimizerState_ThrowsInvalidDataNamingTheFile(int damagedFrom)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        string folder;
        using (var session = new TrainingSession(TrainerRun.Options(setup, maxSteps: 10), NullLogger.Instance))
        {
            session.Observe();
            session.TrainStep();
            session.Observe();
            folder = TrainingCheckpoint.Write(session, setup.Output);
        }

        string path = Path.Combine(folder, "optimizer.bin");
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = damagedFrom; i < bytes.Length; i++)
        {
            bytes[i] = 0xFF;
        }

        File.WriteAllBytes(path, [.. bytes, 1, 2, 3]);
        using var fresh = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var restored = new TrainingSession(TrainerRun.Options(fresh, maxSteps: 10), NullLogger.Instance);

        var e = Record.Exception(() => TrainingCheckpoint.Restore(restored, folder, "checkpointFolder"));

        Assert.True(e is InvalidDataException, $"{e?.GetType().Name}: {e?.Message}");
        Assert.Contains(path, e!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindLatest_NoCheckpoint_ReturnsNull()
    {
        using var folder = new TemporaryFolder();

        Assert.Null(PersonalizationTrainer.FindLatestCheckpoint(folder.Path));
    }
}
