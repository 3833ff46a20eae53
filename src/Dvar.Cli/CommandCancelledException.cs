namespace Dvar.Cli;

/// <summary>The command was cancelled (exit code <see cref="ExitCodes.Cancelled"/>); the message says what was kept and
/// how to continue.</summary>
internal sealed class CommandCancelledException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence: where it stopped, what was written, how to resume.</param>
    /// <param name="innerException">The <see cref="OperationCanceledException"/> that ended the work.</param>
    public CommandCancelledException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
