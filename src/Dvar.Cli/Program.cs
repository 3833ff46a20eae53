using System.CommandLine;
using System.CommandLine.Invocation;
using Dvar.Cli.Commands;
using Dvar.Cli.Input;

namespace Dvar.Cli;

/// <summary>Entry point of the <c>dvar</c> command.</summary>
internal static class Program
{
    /// <summary>Runs <c>dvar</c> with the given arguments and streams: what <c>Main</c> does, callable from tests.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="standardInput">Standard input (read by <c>replay -</c>).</param>
    /// <param name="standardOutput">Where results and help go.</param>
    /// <param name="standardError">Where the one-line error message goes.</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static int Run(string[] args, TextReader standardInput, TextWriter standardOutput, TextWriter standardError)
    {
        var root = new RootCommand("dvar: stop text-to-image personalization when the deterministic loss has settled.")
        {
            new ReplayCommand(standardInput),
        };
        var parse = root.Parse(args);
        var command = parse.CommandResult.Command == root ? "dvar" : $"dvar {parse.CommandResult.Command.Name}";
        if (parse.Action is ParseErrorAction)
        {
            return Fail(standardError, ExitCodes.Usage, $"{command}: {string.Join(' ', parse.Errors.Select(e => e.Message))} ('{command} --help' lists the options.)");
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = standardOutput,
                Error = standardError,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (UsageException e)
        {
            return Fail(standardError, ExitCodes.Usage, $"{command}: {e.Message}");
        }
        catch (InputDataException e)
        {
            return Fail(standardError, ExitCodes.InputData, $"{command}: {e.Message}");
        }
#pragma warning disable CA1031 // The last resort of a command-line tool: one line, no stack trace, a distinct exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Fail(standardError, ExitCodes.Unexpected, $"{command}: unexpected error ({e.GetType().Name}): {e.Message}");
        }
    }

    private static int Main(string[] args) => Run(args, Console.In, Console.Out, Console.Error);

    private static int Fail(TextWriter standardError, int exitCode, string message)
    {
        standardError.WriteLine(message);
        return exitCode;
    }
}
