namespace Dvar.Cli;

/// <summary>Which signal asked a running command to stop: Ctrl+C (SIGINT) or a scheduler's SIGTERM. Both cancel the same
/// way (the step in progress completes, <c>train</c> writes a checkpoint); they differ in the exit code, 128 plus the
/// signal's number, the shell's convention.</summary>
internal sealed class ShutdownRequest
{
    private int _exitCode;

    /// <summary>The exit code of the first signal that asked for a stop, or <see cref="ExitCodes.Cancelled"/> when none
    /// did (a cancellation from code).</summary>
    public int ExitCode
    {
        get
        {
            int code = Volatile.Read(ref _exitCode);
            return code != 0 ? code : ExitCodes.Cancelled;
        }
    }

    /// <summary>Whether a signal has asked for a stop.</summary>
    public bool IsRequested => Volatile.Read(ref _exitCode) != 0;

    /// <summary>Records the first signal.</summary>
    /// <param name="exitCode">Its exit code: <see cref="ExitCodes.Cancelled"/> for SIGINT, <see cref="ExitCodes.Terminated"/>
    /// for SIGTERM.</param>
    /// <returns>True for the first request; false when one came before (a second signal ends the process at once).</returns>
    public bool Request(int exitCode) => Interlocked.CompareExchange(ref _exitCode, exitCode, 0) == 0;
}
