namespace Dvar.Cli.Input;

/// <summary>The input cannot be used (exit code <see cref="ExitCodes.InputData"/>); the message names the source, and
/// the line and its text where one is at fault.</summary>
internal sealed class InputDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence naming the source (and line) and the problem.</param>
    /// <param name="lineNumber">The 1-based line at fault, if any.</param>
    /// <param name="innerException">The underlying I/O error, if any.</param>
    public InputDataException(string message, long? lineNumber = null, Exception? innerException = null)
        : base(message, innerException)
    {
        LineNumber = lineNumber;
    }

    /// <summary>The 1-based line at fault, or null when the problem is not one line (missing file, no values...).</summary>
    public long? LineNumber { get; }
}
