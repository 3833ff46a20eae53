
namespace Dvar.Cli.Tests.Support;

/// <summary>The outcome of one in-process run of <c>dvar</c>.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    /// <summary>Runs <c>Program.Run</c> with the arguments and the text as standard input.</summary>
    public static CliRun Of(string[] args, string standardInput = "")
    {
        using var input = new StringReader(standardInput);
        return Of(args, input);
    }

    /// <summary>Runs <c>Program.Run</c> with the arguments and the reader as standard input.</summary>
    public static CliRun Of(string[] args, TextReader input)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = Program.Run(args, input, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs <see cref="Program.Run(string[], TextReader, TextWriter, TextWriter, CliSession)"/> with a session;
    /// <paramref name="onErrorLine"/> sees each line written to standard error as it is written.</summary>
    public static CliRun Of(string[] args, CliSession session, Action<string>? onErrorLine = null)
    {
        using var input = new StringReader(string.Empty);
        using var output = new StringWriter();
        using var error = new LineHookWriter(onErrorLine);
        var exitCode = Program.Run(args, input, output, error, session);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Asserts success (exit code 0), showing standard error otherwise.</summary>
    public void AssertSucceeded() => Assert.True(ExitCode == 0, $"exit code {ExitCode}: {Error}");

    /// <summary>Asserts a failure: the exit code, nothing on standard output, and one line on standard error that
    /// contains every fragment and no stack trace.</summary>
    public void AssertFails(int exitCode, params string[] fragments)
    {
        Assert.Equal(exitCode, ExitCode);
        Assert.Equal(string.Empty, Output);
        var line = Assert.Single(Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(" at Dvar.", line, StringComparison.Ordinal);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, line, StringComparison.Ordinal);
        }
    }
}
