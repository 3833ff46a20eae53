namespace Dvar.Cli;

/// <summary>The command line is wrong (exit code <see cref="ExitCodes.Usage"/>); the message says what to change.</summary>
internal sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence naming the option, what it must be and what was given.</param>
    public UsageException(string message)
        : base(message)
    {
    }
}
