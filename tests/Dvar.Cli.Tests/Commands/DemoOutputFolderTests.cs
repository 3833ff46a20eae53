using Dvar.Cli.Ownership;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

/// <summary>The <c>--out</c> folder of <c>dvar demo</c>, checked before any job runs (no full demo here: the short one in
/// <see cref="DemoCommandTests"/> takes a minute).</summary>
public sealed class DemoOutputFolderTests
{
    [Fact]
    public void Demo_FolderHoldingAnEarlierDemo_IsRefusedWithoutOverwrite_AndNothingChanges()
    {
        using var folder = new TemporaryFolder();
        string output = Directory.CreateDirectory(folder.Combine("out")).FullName;
        File.WriteAllText(Path.Combine(output, "summary.json"), "{\"format\":\"dvar-stopping/demo-summary\"}");
        Directory.CreateDirectory(Path.Combine(output, "runs", "textual-inversion"));
        var before = FolderSnapshot.Of(output);

        var run = CliRun.Of(["demo", "--out", output, "--concepts", "1", "--method", "textual-inversion"]);

        run.AssertFails(ExitCodes.InputData, $"--out '{output}' holds an earlier run", "summary.json", "runs", "--overwrite");
        Assert.Equal(before, FolderSnapshot.Of(output));
    }

    [Fact]
    public void Demo_FolderHoldingATrainingRun_IsRefusedToo()
    {
        using var training = new TinyTraining();
        Assert.Equal(0, CliRun.Of(training.Args("textual-inversion", "--max-steps", "1")).ExitCode);

        var run = CliRun.Of(["demo", "--out", training.Output]);

        run.AssertFails(ExitCodes.InputData, "holds an earlier run", "training-summary.json");
    }

    [Fact]
    public void Demo_OverwriteCancelledBeforeItsFirstJob_LeavesTheEarlierSummary()
    {
        using var folder = new TemporaryFolder();
        string output = Directory.CreateDirectory(folder.Combine("out")).FullName;
        File.WriteAllText(Path.Combine(output, "summary.json"), "{\"format\":\"dvar-stopping/demo-summary\"}");
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var run = CliRun.Of(["demo", "--out", output, "--concepts", "1", "--method", "textual-inversion", "--overwrite"], new CliSession(false, cancellation.Token));

        Assert.Equal(ExitCodes.Cancelled, run.ExitCode);
        Assert.Equal("{\"format\":\"dvar-stopping/demo-summary\"}", File.ReadAllText(Path.Combine(output, "summary.json")));
    }

    [Fact]
    public void Demo_FolderHeldByAnotherRun_FailsNamingTheProcess()
    {
        using var folder = new TemporaryFolder();
        string output = folder.Combine("out");
        using var held = OwnedFolder.Claim("--out", output, "dvar train textual-inversion");

        var run = CliRun.Of(["demo", "--out", output]);

        run.AssertFails(ExitCodes.InputData, $"--out '{output}' is in use by another dvar run", $"process {Environment.ProcessId} ", "dvar train textual-inversion");
    }

    [Theory]
    [InlineData("/sys/kernel", "cannot be written")]
    [InlineData("/sys/dvar-demo-out", "cannot be created")]
    public void Demo_OutThatCannotBeWritten_FailsNamingIt(string output, string problem)
    {
        var run = CliRun.Of(["demo", "--out", output]);

        run.AssertFails(ExitCodes.InputData, $"--out '{output}'", problem);
    }

    [Fact]
    public void Demo_OutBelowAFile_FailsNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        string file = folder.Combine("a-file");
        File.WriteAllText(file, "x");

        var run = CliRun.Of(["demo", "--out", Path.Combine(file, "sub")]);

        run.AssertFails(ExitCodes.InputData, "cannot be created", $"'{file}' is a file");
    }
}
