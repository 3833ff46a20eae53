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
    public void UnfinishedRunWithoutItsOwnCheckpoint_StartsAgain_AndEqualsAnUninterruptedRun()
    {
        using var training = new TinyTraining();
        string[] options = ["--max-steps", "4", "--progress-every", "1", "--resume", "auto"];
        using var cancellation = new CancellationTokenSource();
        var cancelled = CliRun.Of(
            training.Args(Method, options),
            new CliSession(false, cancellation.Token),
            line =>
            {
                if (line.StartsWith("step 1/", StringComparison.Ordinal))
                {
                    cancellation.Cancel();
                }
            });
        Assert.Equal(ExitCodes.Cancelled, cancelled.ExitCode);
        Directory.Delete(Path.Combine(training.Output, "checkpoints"), recursive: true); // as if killed before the checkpoint

        var again = CliRun.Of(training.Args(Method, options));
        using var reference = new TinyTraining();
        var whole = CliRun.Of(reference.Args(Method, options));

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("step 0/", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, whole.ExitCode);
        TrainArtifacts.AssertSame(reference.Output, training.Output);
    }

    [Fact]
    public void AnotherRunsCheckpoint_LeftBeforeAnOverwriteWasKilled_IsNotContinued()
    {
        // Run A leaves a checkpoint; run B (other images: an option the checkpoint's own check does not cover) starts with
        // --overwrite and is killed (SIGKILL) before its first checkpoint. B's command with --resume auto must start B
        // afresh, not continue A's checkpoint.
        using var training = new TinyTraining();
        string otherImages = ConceptFolder.Write(training.Folder.Combine("other-images"), count: 4);
        Assert.Equal(0, CliRun.Of(training.Args(Method, "--max-steps", "3", "--checkpoint-every", "1")).ExitCode);
        Assert.True(Directory.Exists(Path.Combine(training.Output, "checkpoints", "step-00000003")));
        string[] b = [.. training.Args(Method, "--max-steps", "30", "--progress-every", "1")];
        b[Array.IndexOf(b, "--images") + 1] = otherImages;
        using (var child = new ChildDvar([.. b, "--overwrite"]))
        {
            child.WaitForErrorLine(line => line.StartsWith("step 1/", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            child.Kill();
        }

        Assert.True(Directory.Exists(Path.Combine(training.Output, "checkpoints", "step-00000003")), "A's checkpoint is still there");
        string[] auto = [.. b, "--resume", "auto"];
        var restarted = CliRun.Of(auto);
        using var reference = new TinyTraining();
        var run = CliRun.Of(TrainArtifacts.WithOut(auto, reference.Output));

        Assert.True(restarted.ExitCode == 0, restarted.Error);
        Assert.Contains("step 0/", restarted.Error, StringComparison.Ordinal);
        Assert.Equal(0, run.ExitCode);
        TrainArtifacts.AssertSame(reference.Output, training.Output);
        Assert.False(Directory.Exists(Path.Combine(training.Output, "checkpoints", "step-00000003")), "A's checkpoint was left behind");
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
