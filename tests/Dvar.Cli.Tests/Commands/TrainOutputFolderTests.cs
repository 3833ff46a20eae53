using System.Text.Json;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

/// <summary>The <c>--out</c> folder of <c>dvar train</c>: one run at a time, an earlier run is never replaced silently, and
/// an unwritable folder fails before the first step.</summary>
public sealed class TrainOutputFolderTests
{
    private const string Method = "textual-inversion";
    private static readonly string[] Short = ["--max-steps", "3", "--window", "50", "--progress-every", "1"];

    [Fact]
    public void Train_SecondRunIntoTheFolderOfARunningOne_FailsFastNamingTheFolderAndProcess_AndTheFirstCompletesUntouched()
    {
        using var training = new TinyTraining();
        using var reference = new TinyTraining();
        CliRun? second = null;
        SortedDictionary<string, string>? before = null;
        SortedDictionary<string, string>? after = null;

        var first = CliRun.Of(training.Args(Method, Short), CliSession.Redirected, line =>
        {
            if (second is null && line.StartsWith("step 1/", StringComparison.Ordinal))
            {
                before = FolderSnapshot.Of(training.Output);
                second = CliRun.Of(training.Args(Method, "--max-steps", "3", "--seed", "5"));
                after = FolderSnapshot.Of(training.Output);
            }
        });
        var uninterrupted = CliRun.Of(reference.Args(Method, Short));

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(0, uninterrupted.ExitCode);
        Assert.NotNull(second);
        second.AssertFails(
            ExitCodes.InputData,
            "dvar train textual-inversion: --out",
            $"'{training.Output}'",
            "in use by another dvar run",
            $"process {Environment.ProcessId} ",
            "dvar train textual-inversion, started");
        Assert.Equal(before, after);
        TrainArtifacts.AssertSame(reference.Output, training.Output);
    }

    [Fact]
    public void Train_ResumeOrOverwriteIntoTheFolderOfARunningOne_FailsTooAndChangesNothing()
    {
        using var training = new TinyTraining();
        var attempts = new List<(CliRun Run, bool Unchanged)>();

        var first = CliRun.Of(training.Args(Method, Short), CliSession.Redirected, line =>
        {
            if (attempts.Count == 0 && line.StartsWith("step 2/", StringComparison.Ordinal))
            {
                foreach (string option in new[] { "--resume", "--overwrite" })
                {
                    var before = FolderSnapshot.Of(training.Output);
                    var run = CliRun.Of(training.Args(Method, "--max-steps", "3", option));
                    attempts.Add((run, before.SequenceEqual(FolderSnapshot.Of(training.Output))));
                }
            }
        });

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a =>
        {
            a.Run.AssertFails(ExitCodes.InputData, "in use by another dvar run", $"process {Environment.ProcessId} ");
            Assert.True(a.Unchanged, "a refused run changed the folder");
        });
    }

    [Fact]
    public void Train_AfterTheProcessHoldingTheFolderIsKilled_TheFolderIsFreeAgain()
    {
        using var training = new TinyTraining();
        using (var child = new ChildDvar(training.Args(Method, "--max-steps", "1000", "--window", "50", "--progress-every", "1")))
        {
            child.WaitForErrorLine(line => line.StartsWith("step 1/", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var whileHeld = CliRun.Of(training.Args(Method, "--max-steps", "2"));
            whileHeld.AssertFails(ExitCodes.InputData, "in use by another dvar run", $"process {child.Id} ");
            child.Kill();
            child.WaitForExit(TimeSpan.FromMinutes(1));
        }

        var run = CliRun.Of(training.Args(Method, "--max-steps", "2", "--window", "50"));

        Assert.True(run.ExitCode == 0, run.Error);
    }

    [Fact]
    public void Train_FolderHoldingAFinishedRun_IsRefusedWithoutResumeOrOverwrite_AndNothingChanges()
    {
        using var training = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args(Method, Short)).ExitCode);
        var before = FolderSnapshot.Of(training.Output);

        var again = CliRun.Of(training.Args(Method, "--max-steps", "2", "--seed", "5"));

        again.AssertFails(
            ExitCodes.InputData, $"--out '{training.Output}' holds an earlier run", "training-summary.json", "learned_embeds.safetensors", "--overwrite");
        Assert.Equal(before, FolderSnapshot.Of(training.Output));
    }

    [Fact]
    public void Train_FolderHoldingACancelledRun_IsRefusedWithoutResume_NamingItsCheckpoint()
    {
        using var training = new TinyTraining();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.Equal(ExitCodes.Cancelled, CliRun.Of(training.Args(Method, Short), new CliSession(false, cancellation.Token)).ExitCode);
        var before = FolderSnapshot.Of(training.Output);

        var again = CliRun.Of(training.Args(Method, Short));

        again.AssertFails(ExitCodes.InputData, "holds an earlier run", "checkpoints/step-00000000", "--resume", "--overwrite");
        Assert.Equal(before, FolderSnapshot.Of(training.Output));
    }

    [Fact]
    public void Train_FolderWithOnlyOtherFiles_IsUsedAndTheFilesAreLeftAlone()
    {
        using var training = new TinyTraining();
        Directory.CreateDirectory(training.Output);
        File.WriteAllText(Path.Combine(training.Output, "notes.txt"), "my notes");

        var run = CliRun.Of(training.Args(Method, "--max-steps", "1"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("my notes", File.ReadAllText(Path.Combine(training.Output, "notes.txt")));
    }

    [Fact]
    public void Train_Overwrite_LeavesExactlyTheFilesOfAFreshRunWithTheSameOptions()
    {
        using var training = new TinyTraining();
        using var reference = new TinyTraining();
        // The earlier run leaves a checkpoint and a plot; the new one evaluates nothing, so it writes neither.
        Assert.Equal(0, CliRun.Of(training.Args(Method, "--max-steps", "3", "--window", "50", "--checkpoint-every", "1")).ExitCode);
        Assert.True(File.Exists(Path.Combine(training.Output, "history.png")));
        string[] next = ["--max-steps", "2", "--seed", "5", "--eval-every", "0"];

        var run = CliRun.Of(training.Args(Method, [.. next, "--overwrite"]));
        var fresh = CliRun.Of(reference.Args(Method, next));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, fresh.ExitCode);
        TrainArtifacts.AssertSame(reference.Output, training.Output);
        Assert.Equal(FolderSnapshot.Entries(reference.Output), FolderSnapshot.Entries(training.Output));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-summary.json")));
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("checkpoint").ValueKind);
    }

    [Fact]
    public void Train_OverwriteCancelled_LeavesTheEarlierResults_AndItsResumeEqualsAnUninterruptedRun()
    {
        using var training = new TinyTraining();
        using var reference = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args(Method, Short)).ExitCode);
        string[] earlierFiles = ["learned_embeds.safetensors", "history.csv", "history.png", "training-summary.json"];
        var earlier = earlierFiles.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(training.Output, f)));
        string[] next = [.. Short, "--seed", "5"];
        using var cancellation = new CancellationTokenSource();

        var cancelled = CliRun.Of(
            training.Args(Method, [.. next, "--overwrite"]),
            new CliSession(false, cancellation.Token),
            line =>
            {
                if (line.StartsWith("step 1/", StringComparison.Ordinal))
                {
                    cancellation.Cancel();
                }
            });

        Assert.Equal(ExitCodes.Cancelled, cancelled.ExitCode);
        Assert.All(earlierFiles, f => Assert.Equal(earlier[f], File.ReadAllBytes(Path.Combine(training.Output, f))));
        var resumed = CliRun.Of(training.Args(Method, [.. next, "--resume"]));
        var uninterrupted = CliRun.Of(reference.Args(Method, next));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(0, uninterrupted.ExitCode);
        TrainArtifacts.AssertSame(reference.Output, training.Output);
    }

    [Fact]
    public void Train_OverwriteCancelledThenResumed_LeavesNoFileOfTheEarlierRun()
    {
        using var training = new TinyTraining();
        using var reference = new TinyTraining();
        // The earlier run draws a plot and keeps a checkpoint; the new one evaluates nothing, so it draws none.
        Assert.Equal(0, CliRun.Of(training.Args(Method, "--max-steps", "3", "--window", "50", "--checkpoint-every", "1")).ExitCode);
        string[] next = ["--max-steps", "3", "--seed", "5", "--eval-every", "0", "--progress-every", "1"];
        using var cancellation = new CancellationTokenSource();

        var cancelled = CliRun.Of(
            training.Args(Method, [.. next, "--overwrite"]),
            new CliSession(false, cancellation.Token),
            line =>
            {
                if (line.StartsWith("step 1/", StringComparison.Ordinal))
                {
                    cancellation.Cancel();
                }
            });
        var resumed = CliRun.Of(training.Args(Method, [.. next, "--resume"]));
        var fresh = CliRun.Of(reference.Args(Method, next));

        Assert.Equal(ExitCodes.Cancelled, cancelled.ExitCode);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(0, fresh.ExitCode);
        TrainArtifacts.AssertSame(reference.Output, training.Output);
        Assert.Equal(
            FolderSnapshot.Entries(reference.Output),
            FolderSnapshot.Entries(training.Output).Where(e => !e.StartsWith("checkpoints", StringComparison.Ordinal)));
        Assert.Equal([Path.Combine(training.Output, "checkpoints", "step-00000001")], Directory.GetDirectories(Path.Combine(training.Output, "checkpoints")));
    }

    [Fact]
    public void Train_ResumeAndOverwriteTogether_IsAUsageError()
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args(Method, "--resume", "--overwrite")).AssertFails(ExitCodes.Usage, "--resume", "--overwrite");
        Assert.False(Directory.Exists(training.Output));
    }

    [Fact]
    public void Train_ResumeOfAFinishedRunWithoutCheckpoint_SaysToOverwrite()
    {
        using var training = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args(Method, "--max-steps", "1")).ExitCode);

        CliRun.Of(training.Args(Method, "--max-steps", "2", "--resume")).AssertFails(ExitCodes.InputData, "--resume", "no checkpoint", "--overwrite");
    }

    [Fact]
    public void Train_UnwritableOut_FailsBeforeTheFirstStepNamingTheFolder()
    {
        using var training = new TinyTraining();

        // /sys/kernel exists and refuses new files, also to root (the tests run as root in the Debian 13 root).
        var run = CliRun.Of(TrainArtifacts.WithOut(training.Args(Method, Short), "/sys/kernel"));

        run.AssertFails(ExitCodes.InputData, "--out '/sys/kernel'", "cannot be written");
    }

    [Fact]
    public void Train_UnwritableCheckpointsFolder_FailsBeforeTheFirstStepNamingIt()
    {
        using var training = new TinyTraining();
        Directory.CreateDirectory(training.Output);
        Directory.CreateSymbolicLink(Path.Combine(training.Output, "checkpoints"), "/sys/kernel");

        var run = CliRun.Of(training.Args(Method, Short));

        run.AssertFails(ExitCodes.InputData, $"--out '{training.Output}'", "checkpoints/", "cannot be written");
    }

    [Fact]
    public void Train_OutBelowAFile_FailsNamingTheFile()
    {
        using var training = new TinyTraining();
        string file = training.Folder.Combine("a-file");
        File.WriteAllText(file, "x");
        string output = Path.Combine(file, "sub");

        var run = CliRun.Of(TrainArtifacts.WithOut(training.Args(Method, Short), output));

        run.AssertFails(ExitCodes.InputData, $"--out '{output}'", "cannot be created", $"'{file}' is a file");
    }

    [Fact]
    public void Train_OutWhereFoldersCannotBeCreated_FailsNamingIt()
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(TrainArtifacts.WithOut(training.Args(Method, Short), "/sys/dvar-out"));

        run.AssertFails(ExitCodes.InputData, "--out '/sys/dvar-out'", "cannot be created", "permission denied");
    }

    [Fact]
    public void Train_FailingBeforeItWritesIntoANewFolder_LeavesNoFolder()
    {
        using var training = new TinyTraining();
        string[] args = training.Args(Method, Short);
        args[Array.IndexOf(args, FixturePaths.SdTiny)] = training.Folder.Combine("no-model");

        CliRun.Of(args).AssertFails(ExitCodes.InputData, "--model");
        Assert.False(Directory.Exists(training.Output));
    }

    [Fact]
    public void Train_OutputFileNameTakenByAFolder_FailsBeforeTheFirstStep()
    {
        using var training = new TinyTraining();
        Directory.CreateDirectory(Path.Combine(training.Output, "history.csv"));

        CliRun.Of(training.Args(Method, Short)).AssertFails(ExitCodes.InputData, "history.csv", "is a folder");
    }
}
