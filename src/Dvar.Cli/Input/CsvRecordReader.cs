using System.Globalization;

namespace Dvar.Cli.Input;

/// <summary>Reads the non-blank lines of a trace, or its CSV records (RFC 4180: a quoted cell may span lines), counting
/// lines and refusing input that is not text.</summary>
/// <remarks>Input is "not text" when it holds a control character other than tab, line feed and carriage return (a NUL
/// byte, say): binary files (images, archives, model weights, NumPy arrays) and text in UTF-16 without a byte-order mark
/// do within their first bytes. The first <see cref="SniffLength"/> characters are checked before any line is parsed,
/// so a binary file is refused before its first "line" could be taken for a header; every later line is checked as it
/// is read. The message names the source and the line and shows none of the bytes.</remarks>
internal sealed class CsvRecordReader
{
    /// <summary>How many characters are checked before the first line is parsed.</summary>
    public const int SniffLength = 8192;

    private readonly TextReader _reader;
    private readonly string _source;
    private string? _prefix;
    private int _prefixPosition;

    /// <summary>Creates a reader.</summary>
    /// <param name="reader">The text; read to the end, not closed.</param>
    /// <param name="source">How messages name the input (e.g. <c>'losses.csv'</c>).</param>
    public CsvRecordReader(TextReader reader, string source)
    {
        _reader = reader;
        _source = source;
    }

    /// <summary>Gets the number of the last line read (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Gets the number of the line on which the last record returned starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Reads the next line that is not blank (blank and whitespace-only lines are skipped).</summary>
    /// <returns>The line, or null at the end of the input.</returns>
    /// <exception cref="InputDataException">The line is not text.</exception>
    public string? ReadLine()
    {
        while (NextLine() is { } line)
        {
            if (!line.AsSpan().IsWhiteSpace())
            {
                RecordLine = LineNumber;
                return line;
            }
        }

        return null;
    }

    /// <summary>Reads the next CSV record that is not blank: <paramref name="first"/> if given, then further lines for as
    /// long as a quoted cell is open (they are joined with <c>\n</c>).</summary>
    /// <param name="first">A line already read with <see cref="ReadLine"/> that starts the record, or null to read one.</param>
    /// <returns>The record, or null at the end of the input.</returns>
    /// <exception cref="InputDataException">A line is not text, or the input ends inside a quoted cell.</exception>
    public string? ReadRecord(string? first = null)
    {
        var record = first ?? ReadLine();
        if (record is null || !IsOpen(record))
        {
            return record;
        }

        var start = RecordLine;
        do
        {
            var line = NextLine() ?? throw new InputDataException(
                $"{_source} line {start}: a quoted cell opened there is never closed (the input ends inside it); "
                + "a double quote inside a quoted cell is written twice (\"\").",
                start);
            record = string.Concat(record, "\n", line);
        }
        while (IsOpen(record));

        RecordLine = start;
        return record;
    }

    /// <summary>Whether <paramref name="text"/> ends inside a quoted cell, as RFC 4180 reads it: a double quote opens a
    /// quoted cell only where a cell starts (after white space), and inside one, two quotes are a quote and one closes
    /// it. A stray quote inside an unquoted cell opens nothing (<see cref="CsvCells"/> reports it).</summary>
    private static bool IsOpen(ReadOnlySpan<char> text)
    {
        if (!text.Contains('"'))
        {
            return false;
        }

        var quoted = false;
        var cellStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
            }
            else if (c == ',')
            {
                cellStart = true;
            }
            else if (c == '"' && cellStart)
            {
                quoted = true;
                cellStart = false;
            }
            else if (c is not (' ' or '\t'))
            {
                cellStart = false;
            }
        }

        return quoted;
    }

    private string? NextLine()
    {
        if (_prefix is null && LineNumber == 0)
        {
            Sniff();
        }

        var line = RawLine();
        if (line is null)
        {
            return null;
        }

        LineNumber++;
        var control = InputText.IndexOfControl(line);
        if (control >= 0)
        {
            throw NotText(LineNumber, control + 1, line[control]);
        }

        return line;
    }

    /// <summary>Reads the first characters ahead and refuses the input if they hold a control character.</summary>
    private void Sniff()
    {
        var buffer = new char[SniffLength];
        var length = _reader.ReadBlock(buffer, 0, buffer.Length);
        _prefix = new string(buffer, 0, length);
        _prefixPosition = 0;
        var control = InputText.IndexOfControl(_prefix);
        if (control < 0)
        {
            return;
        }

        long line = 1;
        var lineStart = 0;
        for (var i = 0; i < control; i++)
        {
            if (_prefix[i] == '\n' || (_prefix[i] == '\r' && (i + 1 >= _prefix.Length || _prefix[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        throw NotText(line, control - lineStart + 1, _prefix[control]);
    }

    /// <summary>The next line: from the characters read ahead while they last (a line that runs past them is completed
    /// from the reader), then from the reader.</summary>
    private string? RawLine()
    {
        if (_prefix is null)
        {
            return _reader.ReadLine();
        }

        var start = _prefixPosition;
        var rest = _prefix.AsSpan(start);
        var lineBreak = rest.IndexOfAny('\r', '\n');
        if (lineBreak < 0)
        {
            var partial = rest.ToString();
            _prefix = null;
            var tail = _reader.ReadLine();
            return tail is null ? (partial.Length > 0 ? partial : null) : partial + tail;
        }

        var end = start + lineBreak;
        var next = end + 1;
        if (_prefix[end] == '\r')
        {
            if (next < _prefix.Length)
            {
                next += _prefix[next] == '\n' ? 1 : 0;
            }
            else if (_reader.Peek() == '\n')
            {
                _reader.Read();
            }
        }

        var line = _prefix[start..end];
        _prefixPosition = next;
        return line;
    }

    private InputDataException NotText(long line, int character, char control) => new(
        $"{_source} does not look like text: line {line} holds the control character 0x{((int)control).ToString("X2", CultureInfo.InvariantCulture)} "
        + $"at character {character} (a binary file, or text in an encoding other than UTF-8?). "
        + "dvar replay reads a CSV file with a header row or one number per line.",
        line);
}
