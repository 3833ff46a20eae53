using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
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
    public static int Run(string[] args, TextReader standardInput, TextWriter standardOutput, TextWriter standardError) =>
        Run(args, standardInput, standardOutput, standardError, CliSession.Redirected);

    /// <summary>Runs <c>dvar</c> with the given arguments, streams and session (terminal or not, cancellation).</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="standardInput">Standard input (read by <c>replay -</c>).</param>
    /// <param name="standardOutput">Where results and help go.</param>
    /// <param name="standardError">Where progress and the one-line error message go.</param>
    /// <param name="session">Whether progress may update a terminal line, and the cancellation token.</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static int Run(string[] args, TextReader standardInput, TextWriter standardOutput, TextWriter standardError, CliSession session)
    {
        // The train and generate commands only define options here; TorchSharp is loaded by their actions alone, so
        // replay runs where libtorch cannot load.
        var root = new RootCommand("dvar: stop text-to-image personalization when the deterministic loss has settled.")
        {
            new ReplayCommand(standardInput),
            new TrainCommand(session),
            new GenerateCommand(session),
            new PlotCommand(),
            new DemoCommand(session),
            new EvaluateCommand(session),
            new ReportCommand(),
        };
        var parse = root.Parse(args);
        var command = CommandPath(parse.CommandResult);
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
        catch (CommandCancelledException e)
        {
            return session.Shutdown is { ExitCode: ExitCodes.Terminated }
                ? Fail(standardError, ExitCodes.Terminated, $"{command}: terminated (SIGTERM); {e.Message}")
                : Fail(standardError, session.Shutdown?.ExitCode ?? ExitCodes.Cancelled, $"{command}: {e.Message}");
        }
#pragma warning disable CA1031 // The last resort of a command-line tool: one line, no stack trace, a distinct exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Fail(standardError, ExitCodes.Unexpected, $"{command}: unexpected error ({e.GetType().Name}): {e.Message}");
        }
    }

    private static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        var shutdown = new ShutdownRequest();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!shutdown.Request(ExitCodes.Cancelled))
            {
                return; // A second Ctrl+C (or a Ctrl+C after SIGTERM) ends the process at once.
            }

            e.Cancel = true;
            Console.Error.WriteLine();
            Console.Error.WriteLine("dvar: cancelling after the current step (press Ctrl+C again to abort at once)...");
            cancellation.Cancel();
        };

        // A scheduler (Kubernetes, Slurm) stops a job with SIGTERM and kills it after a grace period: stop as Ctrl+C does,
        // so that train checkpoints and the restarted job continues with --resume auto. A second signal ends it at once.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            if (!shutdown.Request(ExitCodes.Terminated))
            {
                return;
            }

            context.Cancel = true;
            Console.Error.WriteLine();
            Console.Error.WriteLine("dvar: SIGTERM: stopping after the current step (a train run writes a checkpoint first)...");
            cancellation.Cancel();
        });
        var session = new CliSession(!Console.IsErrorRedirected, cancellation.Token) { Shutdown = shutdown };
        return Run(args, Console.In, Console.Out, Console.Error, session);
    }

    /// <summary>The command as typed, e.g. <c>dvar train textual-inversion</c>.</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current?.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
        {
            names.Add(current.Command.Name);
        }

        names.Add("dvar");
        names.Reverse();
        return string.Join(' ', names);
    }

    private static int Fail(TextWriter standardError, int exitCode, string message)
    {
        standardError.WriteLine(message);
        return exitCode;
    }
}
