using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

/// <summary>The images of <c>dvar generate</c>: an existing image is replaced only with <c>--overwrite</c>, one run at a
/// time writes an <c>--out</c>, and a path that cannot be written fails before the model loads.</summary>
public sealed class GenerateOutputTests
{
    private static string[] Args(string output, params string[] extra) =>
        ["generate", "--model", FixturePaths.SdTiny, "--prompt", "a cat", "--out", output, "--steps", "2", "--threads", "1", .. extra];

    [Fact]
    public void Generate_ExistingImage_IsRefusedWithoutOverwriteAndReplacedWithIt()
    {
        using var folder = new TemporaryFolder();
        string image = folder.Combine("cat.png");
        string reference = folder.Combine("reference.png");
        File.WriteAllText(image, "an earlier image");

        var refused = CliRun.Of(Args(image, "--seed", "3"));
        string afterRefusal = File.ReadAllText(image);
        var replaced = CliRun.Of(Args(image, "--seed", "3", "--overwrite"));
        var fresh = CliRun.Of(Args(reference, "--seed", "3"));

        refused.AssertFails(ExitCodes.InputData, "dvar generate", $"'{image}' exists", "--overwrite");
        Assert.Equal("an earlier image", afterRefusal);
        Assert.True(replaced.ExitCode == 0, replaced.Error);
        Assert.Equal(0, fresh.ExitCode);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(image));
        Assert.Equal(["cat.png", "reference.png"], FolderSnapshot.Entries(folder.Path));
    }

    [Fact]
    public void Generate_OneOfTheNumberedImagesExists_IsRefusedAndNothingIsWritten()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.Combine("cat-2.png"), "an earlier image");

        var run = CliRun.Of(Args(folder.Combine("cat.png"), "--count", "2"));

        run.AssertFails(ExitCodes.InputData, folder.Combine("cat-2.png"), "--overwrite");
        Assert.Equal(["cat-2.png"], FolderSnapshot.Entries(folder.Path));
    }

    [Fact]
    public void Generate_SecondRunWithTheSameOut_FailsWhileTheFirstRuns_AndTheFirstWritesItsImage()
    {
        using var folder = new TemporaryFolder();
        string image = folder.Combine("cat.png");
        CliRun? second = null;

        var first = CliRun.Of(Args(image), CliSession.Redirected, line =>
        {
            if (second is null && line.StartsWith("denoising step", StringComparison.Ordinal))
            {
                second = CliRun.Of(Args(image, "--overwrite", "--seed", "9"));
            }
        });

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.NotNull(second);
        second.AssertFails(ExitCodes.InputData, "dvar generate", $"--out '{image}' is being written by another dvar run", $"process {Environment.ProcessId} ");
        Assert.Equal([image], first.Output.TrimEnd('\n').Split('\n'));
        Assert.Equal(["cat.png"], FolderSnapshot.Entries(folder.Path)); // the lock and owner files are gone
    }

    [Fact]
    public void Generate_OutInAFolderThatCannotBeWritten_FailsBeforeTheModelLoads()
    {
        // /sys/kernel exists and refuses new files, also to root; the model folder does not exist, so a failure that
        // named the model would mean the output was checked too late.
        var run = CliRun.Of(["generate", "--model", "/nonexistent-dvar-model", "--prompt", "a cat", "--out", "/sys/kernel/cat.png"]);

        run.AssertFails(ExitCodes.InputData, "--out '/sys/kernel/cat.png'", "'/sys/kernel'", "cannot be written");
    }

    [Fact]
    public void Generate_OutWhoseFolderCannotBeCreated_FailsNamingIt()
    {
        using var folder = new TemporaryFolder();
        string file = folder.Combine("a-file");
        File.WriteAllText(file, "x");

        var belowAFile = CliRun.Of(["generate", "--model", FixturePaths.SdTiny, "--prompt", "a cat", "--out", Path.Combine(file, "sub", "cat.png")]);
        var denied = CliRun.Of(["generate", "--model", FixturePaths.SdTiny, "--prompt", "a cat", "--out", "/sys/dvar-out/cat.png"]);

        belowAFile.AssertFails(ExitCodes.InputData, "--out", "cannot be created", $"'{file}' is a file");
        denied.AssertFails(ExitCodes.InputData, "--out '/sys/dvar-out/cat.png'", "'/sys/dvar-out'", "cannot be created", "permission denied");
    }

    [Fact]
    public void Generate_FailingIntoANewFolder_LeavesNoFolder()
    {
        using var folder = new TemporaryFolder();

        var run = CliRun.Of(["generate", "--model", folder.Combine("no-model"), "--prompt", "a cat", "--out", folder.Combine("new", "cat.png")]);

        run.AssertFails(ExitCodes.InputData, "--model");
        Assert.False(Directory.Exists(folder.Combine("new")));
    }

    [Fact]
    public void Generate_Cancelled_WritesNothingAndLeavesNoFolder()
    {
        using var folder = new TemporaryFolder();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var run = CliRun.Of(Args(folder.Combine("new", "cat.png")), new CliSession(false, cancellation.Token));

        Assert.Equal(ExitCodes.Cancelled, run.ExitCode);
        Assert.False(Directory.Exists(folder.Combine("new")));
    }
}
