using System.Text.Json;
using Dvar.Cli.Tests.Support;

namespace Dvar.Cli.Tests.ScaleOut;

/// <summary><c>--resume auto</c>: what it does with each kind of folder, and that it refuses without changing anything.</summary>
public sealed class ResumeAutoTests
{
    private const string Method = "textual-inversion";

    [Fact]
    public void EmptyFolder_StartsAfresh_AndEqualsARunWithoutResume()
    {
        using var auto = new TinyTraining();
        using var plain = new TinyTraining();

        var started = CliRun.Of(auto.Args(Method, "--max-steps", "3", "--resume", "auto"));
        var reference = CliRun.Of(plain.Args(Method, "--max-steps", "3"));

        Assert.True(started.ExitCode == 0, started.Error);
        Assert.Equal(0, reference.ExitCode);
        TrainArtifacts.AssertSame(plain.Output, auto.Output);
    }

    [Fact]
    public void FinishedRunOfOtherOptions_IsRefusedWithInputDataCode_NamingTheOption_AndNothingChanges()
    {
        using var training = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args(Method, "--max-steps", "2")).ExitCode);
        var before = FolderSnapshot.Of(training.Output);

        var run = CliRun.Of(training.Args(Method, "--max-steps", "3", "--resume", "auto"));

        run.AssertFails(ExitCodes.InputData, "--resume auto", "a finished run of other options", "MaxSteps", "2", "3", "--overwrite");
        Assert.Equal(before, FolderSnapshot.Of(training.Output));
    }

    [Fact]
    public void CheckpointOfOtherOptions_IsRefusedWithInputDataCode_AndNothingChanges()
    {
        using var training = new TinyTraining();
        using var cancellation = new CancellationTokenSource();
        var cancelled = CliRun.Of(
            training.Args(Method, "--max-steps", "20", "--progress-every", "1"),
            new CliSession(false, cancellation.Token),
            line =>
            {
                if (line.StartsWith("step 1/", StringComparison.Ordinal))
                {
                    cancellation.Cancel();
                }
            });
        Assert.Equal(ExitCodes.Cancelled, cancelled.ExitCode);
        var before = FolderSnapshot.Of(training.Output);

        var run = CliRun.Of(training.Args(Method, "--max-steps", "20", "--seed", "4", "--resume", "auto"));

        run.AssertFails(ExitCodes.InputData, "--resume auto", "a run of other options", "Seed");
        Assert.Equal(before, FolderSnapshot.Of(training.Output));
    }

    [Fact]
    public void RunWithoutOptionsRecord_IsRefused_AndNothingChanges()
    {
        using var training = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args(Method, "--max-steps", "2")).ExitCode);
        File.Delete(Path.Combine(training.Output, "training-options.json")); // as a run of an earlier dvar left it
        var before = FolderSnapshot.Of(training.Output);

        var run = CliRun.Of(training.Args(Method, "--max-steps", "2", "--resume", "auto"));

        run.AssertFails(ExitCodes.InputData, "--resume auto", "training-options.json", "--overwrite");
        Assert.Equal(before, FolderSnapshot.Of(training.Output));
    }

    [Fact]
    public void EveryRun_RecordsItsOptions_AsCompleteAfterItsEnd()
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args(Method, "--max-steps", "2", "--seed", "9"));

        Assert.True(run.ExitCode == 0, run.Error);
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-options.json")));
        Assert.True(record.RootElement.GetProperty("complete").GetBoolean());
        var options = record.RootElement.GetProperty("options");
        Assert.Equal("9", options.GetProperty("Seed").GetString());
        Assert.Equal("2", options.GetProperty("MaxSteps").GetString());
        Assert.False(options.TryGetProperty("Output", out _), "--out is not an option of the run's result");
    }

    [Fact]
    public void ResumeAutoWithOverwrite_IsAUsageError()
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args(Method, "--resume", "auto", "--overwrite")).AssertFails(ExitCodes.Usage, "--resume auto", "--overwrite");
    }

    [Fact]
    public void ResumeWithAnotherValue_IsAUsageErrorNamingTheOption()
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args(Method, "--resume", "always")).AssertFails(ExitCodes.Usage, "--resume", "auto", "always");
    }

    [Fact]
    public void BareResume_BeforeAnotherOption_StillMeansTheNewestCheckpoint()
    {
        using var training = new TinyTraining();

        // No checkpoint: the bare flag's own error, so the parser took "--resume" without swallowing the next option.
        CliRun.Of(training.Args(Method, "--resume", "--max-steps", "2")).AssertFails(ExitCodes.InputData, "--resume", "no checkpoint");
    }
}
