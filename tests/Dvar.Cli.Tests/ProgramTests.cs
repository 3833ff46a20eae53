using System.Diagnostics;
using System.Text.Json;
using Dvar.Cli.Tests.Support;

namespace Dvar.Cli.Tests;

public sealed class ProgramTests
{
    [Fact]
    public void Run_NoCommand_ExitsWithUsageCode()
    {
        CliRun.Of([]).AssertFails(ExitCodes.Usage, "dvar:");
    }

    [Fact]
    public void Run_UnknownCommand_ExitsWithUsageCode()
    {
        CliRun.Of(["train-everything"]).AssertFails(ExitCodes.Usage, "train-everything");
    }

    [Fact]
    public void Run_UnknownOption_ExitsWithUsageCodeNamingIt()
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar", "--windw", "3"], "1\n").AssertFails(ExitCodes.Usage, "--windw");
    }

    [Fact]
    public void Run_Help_ListsTheCommands()
    {
        var run = CliRun.Of(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("replay", run.Output, StringComparison.Ordinal);
        Assert.Contains("train", run.Output, StringComparison.Ordinal);
        Assert.Contains("generate", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TrainWithoutMethod_ExitsWithUsageCodeNamingTheCommand()
    {
        CliRun.Of(["train"]).AssertFails(ExitCodes.Usage, "dvar train:");
    }

    [Fact]
    public void Run_UnexpectedFailure_ExitsWithCodeOneAndNoStackTrace()
    {
        using var failing = new FailingReader();

        var run = CliRun.Of(["replay", "-", "--criterion", "dvar"], failing);

        run.AssertFails(ExitCodes.Unexpected, "unexpected error (InvalidOperationException)", "broken pipe");
    }

    [Fact]
    public void Main_BuiltDll_ReplaysStandardInputInItsOwnProcess()
    {
        var dll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "replay", "-", "--criterion", "fixed", "--steps", "2", "--format", "json" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        process.StandardInput.Write("0.5\n0.4\n0.3\n");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "dvar did not exit within a minute");

        Assert.Equal(string.Empty, error);
        Assert.Equal(0, process.ExitCode);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetProperty("stopIndex").GetInt64());
        Assert.Equal(3, json.RootElement.GetProperty("observations").GetInt64());
    }

    private sealed class FailingReader : TextReader
    {
        public override string? ReadLine() => throw new InvalidOperationException("broken pipe");
    }
}
