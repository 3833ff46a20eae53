namespace Dvar.Cli;

/// <summary>What a run of <c>dvar</c> gets from its host besides arguments and streams.</summary>
/// <param name="ProgressIsTerminal">Whether standard error is a terminal: progress then updates one line in place
/// (<c>\r</c>); otherwise it prints plain lines.</param>
/// <param name="Cancellation">Cancels <c>train</c> (after the step in progress, with a checkpoint) and <c>generate</c>;
/// <c>Main</c> ties it to Ctrl+C (SIGINT) and SIGTERM.</param>
internal sealed record CliSession(bool ProgressIsTerminal, CancellationToken Cancellation)
{
    /// <summary>A redirected, never-cancelled session (what tests and pipes get).</summary>
    public static CliSession Redirected { get; } = new(false, CancellationToken.None);

    /// <summary>Which signal cancelled the session, for the exit code; null where no signal can (tests, pipes): a
    /// cancellation then exits with <see cref="ExitCodes.Cancelled"/>.</summary>
    public ShutdownRequest? Shutdown { get; init; }
}
