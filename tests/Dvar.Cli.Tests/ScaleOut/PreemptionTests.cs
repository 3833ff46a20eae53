using Dvar.Cli.Tests.Support;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Tests.ScaleOut;

/// <summary>Issue 12: a scheduler's SIGTERM checkpoints like Ctrl+C, and the identical command line restarted with
/// <c>--resume auto</c> finishes the run as if it had never been stopped, then reports it complete.</summary>
public sealed class PreemptionTests
{
    private const string Method = "textual-inversion";

    [Fact]
    public void Sigterm_ThenTheSameCommandWithResumeAuto_EqualsAnUninterruptedRun_AndARestartAfterCompletionTrainsNothing()
    {
        using var training = new TinyTraining();
        string[] args = training.Args(Method, "--max-steps", "30", "--window", "50", "--progress-every", "1", "--resume", "auto");

        using (var child = new ChildDvar(args))
        {
            child.WaitForErrorLine(line => line.StartsWith("step 2/", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            child.Terminate();
            var (exitCode, output, error) = child.WaitForExit(TimeSpan.FromMinutes(1));

            Assert.True(exitCode == ExitCodes.Terminated, $"exit code {exitCode}: {error}");
            Assert.Equal(string.Empty, output);
            string last = error.TrimEnd('\n').Split('\n')[^1];
            Assert.Contains("SIGTERM", last, StringComparison.Ordinal);
            Assert.Contains("checkpoint written", last, StringComparison.Ordinal);
        }

        string checkpoint = PersonalizationTrainer.FindLatestCheckpoint(training.Output)!;
        Assert.NotNull(checkpoint);
        Assert.False(File.Exists(Path.Combine(training.Output, "training-summary.json")), "the preempted run wrote a summary");

        var restarted = CliRun.Of(args);
        Assert.True(restarted.ExitCode == 0, restarted.Error);
        int resumedFrom = int.Parse(Path.GetFileName(checkpoint)["step-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain($"step {resumedFrom}/", restarted.Error, StringComparison.Ordinal);
        Assert.Contains($"step {resumedFrom + 1}/", restarted.Error, StringComparison.Ordinal);

        using var reference = new TinyTraining();
        var whole = CliRun.Of(TrainArtifacts.WithOut(args, reference.Output));
        Assert.True(whole.ExitCode == 0, whole.Error);
        TrainArtifacts.AssertSame(reference.Output, training.Output);

        var before = FolderSnapshot.Of(training.Output);
        var again = CliRun.Of(args);
        var after = FolderSnapshot.Of(training.Output);

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("already complete", again.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("step ", again.Error, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }
}
