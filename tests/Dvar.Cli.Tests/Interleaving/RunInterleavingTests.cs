using System.Globalization;
using Dvar.Cli.Tests.Support;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using FsCheck.Xunit;

namespace Dvar.Cli.Tests.Interleaving;

/// <summary>The property of issue 10: for any interleaving of start, cancel (Ctrl+C), resume, overwrite and a second start
/// on one folder, every completed run's artifacts equal those of an uninterrupted run with the same options; a run that is
/// refused, or meets a run that holds the folder, changes nothing.</summary>
public sealed class RunInterleavingTests : IClassFixture<RunInterleavingTests.Uninterrupted>
{
    /// <summary>The step cap of every run (tiny: the property runs a few dozen trainings).</summary>
    public const int MaxSteps = 3;

    private const string Method = "textual-inversion";
    private static readonly string[] Options = ["--max-steps", "3", "--window", "50", "--progress-every", "1"];
    private readonly Uninterrupted _reference;

    public RunInterleavingTests(Uninterrupted reference)
    {
        _reference = reference;
    }

    public static TheoryData<string> Table => new()
    {
        "Start@1 | Start",                       // a cancelled run is not replaced by a plain start
        "Start#Start@2 | Resume",                // a second start while the first runs; a resume without checkpoint
        "Start@0#Resume@0 | Resume@2#Overwrite@2 | Resume",
        "Start | Overwrite@1 | Start | Resume",  // an overwrite cancelled: the earlier results stay, and resume completes it
        "Resume | Overwrite#Start@3 | Overwrite",
    };

    [Property(Arbitrary = [typeof(InterleavingArbitraries)], MaxTest = 12)]
    public void AnyInterleaving_CompletedRunsEqualAnUninterruptedRun_AndRefusedRunsChangeNothing(FolderInterleaving interleaving)
    {
        Check(interleaving);
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void ChosenInterleaving_CompletedRunsEqualAnUninterruptedRun_AndRefusedRunsChangeNothing(string interleaving)
    {
        Check(Parse(interleaving));
    }

    [Fact]
    public void AcrossProcesses_SecondStartThenSigintThenResume_EqualsAnUninterruptedRun()
    {
        using var training = new TinyTraining();
        string[] options = ["--window", "50", "--progress-every", "1"];
        using (var child = new ChildDvar(training.Args(Method, [.. options, "--max-steps", "1000"])))
        {
            child.WaitForErrorLine(line => line.StartsWith("step 1/", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var before = FolderSnapshot.Of(training.Output);
            var second = CliRun.Of(training.Args(Method, [.. options, "--max-steps", "1000"]));
            var after = FolderSnapshot.Of(training.Output);
            child.Interrupt();
            var (exitCode, output, error) = child.WaitForExit(TimeSpan.FromMinutes(1));

            second.AssertFails(ExitCodes.InputData, "in use by another dvar run", $"process {child.Id} ", "dvar train textual-inversion");
            Assert.Equal(before.Keys.Where(k => !k.StartsWith("checkpoints", StringComparison.Ordinal)), after.Keys.Where(k => !k.StartsWith("checkpoints", StringComparison.Ordinal)));
            Assert.Equal(ExitCodes.Cancelled, exitCode);
            Assert.Equal(string.Empty, output);
            Assert.Contains("--resume", error.TrimEnd('\n').Split('\n')[^1], StringComparison.Ordinal);
        }

        string checkpoint = PersonalizationTrainer.FindLatestCheckpoint(training.Output)!;
        int step = int.Parse(Path.GetFileName(checkpoint)["step-".Length..], CultureInfo.InvariantCulture);
        string maxSteps = (step + 2).ToString(CultureInfo.InvariantCulture);
        var resumed = CliRun.Of(training.Args(Method, [.. options, "--max-steps", maxSteps, "--resume"]));
        using var reference = new TinyTraining();
        var whole = CliRun.Of(reference.Args(Method, [.. options, "--max-steps", maxSteps]));

        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(0, whole.ExitCode);
        TrainArtifacts.AssertSame(reference.Output, training.Output);
    }

    /// <summary>"Start@1#Resume@2 | Resume": a start cancelled at step 1 and met by a second resume at step 2, then a resume.</summary>
    private static FolderInterleaving Parse(string text) => new([.. text.Split('|', StringSplitOptions.TrimEntries).Select(op =>
    {
        string[] parts = op.Split('#');
        var (kind, cancel) = KindAndStep(parts[0]);
        var (secondKind, second) = parts.Length > 1 ? KindAndStep(parts[1]) : (FolderOperationKind.Start, null);
        return new FolderOperation(kind, cancel, second, secondKind);
    })]);

    private static (FolderOperationKind Kind, int? Step) KindAndStep(string text)
    {
        string[] parts = text.Split('@');
        return (Enum.Parse<FolderOperationKind>(parts[0]), parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : null);
    }

    private static string[] Flags(FolderOperationKind kind) => kind switch
    {
        FolderOperationKind.Resume => ["--resume"],
        FolderOperationKind.Overwrite => ["--overwrite"],
        _ => [],
    };

    private static int? StepOf(string line)
    {
        if (!line.StartsWith("step ", StringComparison.Ordinal))
        {
            return null;
        }

        int slash = line.IndexOf('/', StringComparison.Ordinal);
        return int.Parse(line["step ".Length..slash], CultureInfo.InvariantCulture);
    }

    private void Check(FolderInterleaving interleaving)
    {
        using var training = new TinyTraining();
        var model = new FolderModel(MaxSteps);
        foreach (var operation in interleaving.Operations)
        {
            var before = FolderSnapshot.Of(training.Output);
            var (expectedExit, secondMeetsIt) = model.Apply(operation);
            using var cancellation = new CancellationTokenSource();
            CliRun? second = null;
            bool secondChangedNothing = true;

            var run = CliRun.Of(
                training.Args(Method, [.. Options, .. Flags(operation.Kind)]),
                new CliSession(false, cancellation.Token),
                line =>
                {
                    int? step = StepOf(line);
                    if (step is null)
                    {
                        return;
                    }

                    if (step == operation.SecondAtStep && second is null)
                    {
                        var whileRunning = FolderSnapshot.Of(training.Output);
                        second = CliRun.Of(training.Args(Method, [.. Options, .. Flags(operation.SecondKind)]));
                        secondChangedNothing = whileRunning.SequenceEqual(FolderSnapshot.Of(training.Output));
                    }

                    if (step == operation.CancelAtStep)
                    {
                        cancellation.Cancel();
                    }
                });

            string context = $"{interleaving}: {operation}";
            Assert.True(run.ExitCode == expectedExit, $"{context}: exit {run.ExitCode}, expected {expectedExit}. {run.Error}");
            if (expectedExit == ExitCodes.InputData)
            {
                Assert.True(before.SequenceEqual(FolderSnapshot.Of(training.Output)), $"{context}: the refused run changed the folder.");
            }

            Assert.True(secondMeetsIt == (second is not null), $"{context}: the second run {(second is null ? "never ran" : "ran")}.");
            if (second is not null)
            {
                Assert.True(second.ExitCode == ExitCodes.InputData && second.Error.Contains("in use by another dvar run", StringComparison.Ordinal), $"{context}: the second run: exit {second.ExitCode}, {second.Error}");
                Assert.True(secondChangedNothing, $"{context}: the second run changed the folder.");
            }

            string? checkpoint = PersonalizationTrainer.FindLatestCheckpoint(training.Output);
            Assert.True(
                (model.Checkpoint is { } step ? $"step-{step:D8}" : null) == (checkpoint is null ? null : Path.GetFileName(checkpoint)),
                $"{context}: checkpoint {checkpoint ?? "none"}, expected {model.Checkpoint?.ToString(CultureInfo.InvariantCulture) ?? "none"}.");
            if (model.Finished)
            {
                TrainArtifacts.AssertSame(_reference.Folder, training.Output);
            }
        }
    }

    /// <summary>The uninterrupted run every completed run is compared with.</summary>
    public sealed class Uninterrupted : IDisposable
    {
        private readonly TinyTraining _training = new();

        public Uninterrupted()
        {
            var run = CliRun.Of(_training.Args(Method, Options));
            Assert.True(run.ExitCode == 0, run.Error);
        }

        public string Folder => _training.Output;

        public void Dispose() => _training.Dispose();
    }
}
