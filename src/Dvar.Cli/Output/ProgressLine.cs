namespace Dvar.Cli.Output;

/// <summary>A progress display on standard error: one line updated in place on a terminal (<c>\r</c>), plain lines
/// otherwise (the caller says which updates are worth a line).</summary>
internal sealed class ProgressLine
{
    private readonly TextWriter _writer;
    private readonly bool _terminal;
    private int _shownLength;
    private string? _pending;

    /// <summary>Creates the display.</summary>
    /// <param name="writer">Standard error.</param>
    /// <param name="terminal">Whether <paramref name="writer"/> is a terminal.</param>
    public ProgressLine(TextWriter writer, bool terminal)
    {
        _writer = writer;
        _terminal = terminal;
    }

    /// <summary>Shows an update.</summary>
    /// <param name="text">The line, without a newline.</param>
    /// <param name="milestone">Whether a redirected display prints it; otherwise it is kept until <see cref="End"/>.</param>
    public void Show(string text, bool milestone)
    {
        if (_terminal)
        {
            _writer.Write('\r');
            _writer.Write(text.PadRight(_shownLength));
            _shownLength = text.Length;
            _writer.Flush();
            return;
        }

        if (milestone)
        {
            _writer.WriteLine(text);
            _pending = null;
        }
        else
        {
            _pending = text;
        }
    }

    /// <summary>Ends the display: a terminal line gets its newline; a redirected one prints the last update if it was held back.</summary>
    public void End()
    {
        if (_terminal && _shownLength > 0)
        {
            _writer.WriteLine();
        }
        else if (_pending is not null)
        {
            _writer.WriteLine(_pending);
        }

        _shownLength = 0;
        _pending = null;
    }
}
