using System.Globalization;
using System.Text;

namespace Dvar.Cli.Input;

/// <summary>Reads a loss trace: a CSV file with a header row (one column holds the values) or a bare list of one
/// number per line.</summary>
/// <remarks>
/// <para>The first non-blank line decides: if it is a number, the input is a bare list; otherwise it is the header row
/// of a comma-separated file, read as RFC 4180 says (<see cref="CsvCells"/>: a cell in double quotes may hold commas,
/// line breaks and doubled quotes; white space around cells is trimmed). Blank and whitespace-only lines are skipped
/// anywhere. Numbers use the invariant culture (<c>.</c> decimal point, exponents allowed); <c>NaN</c>,
/// <c>Infinity</c>, <c>-Infinity</c> and Python's <c>nan</c>, <c>inf</c>, <c>-inf</c> are read as non-finite values
/// and left to the criterion's non-finite policy. Every line is read and checked, so a bad line after the stop is
/// still reported.</para>
/// <para>Input that is not text (a binary file) is refused at its first control character, and messages show at most
/// 60 characters of a line with control characters escaped, so no raw bytes reach the terminal. Every error names the
/// source (the file, or standard input).</para>
/// <para>Lines are read one at a time; each value costs 8 bytes, so 1,000,000 values take 8 MB.</para>
/// </remarks>
internal static class LossTraceReader
{
    /// <summary>The column read from a CSV file when none is named.</summary>
    public const string DefaultColumn = "loss";

    /// <summary>The path that means standard input.</summary>
    public const string StandardInputPath = "-";

    private const int MaxListedColumns = 20;

    /// <summary>Reads the trace in <paramref name="path"/>, or in <paramref name="standardInput"/> when the path is <c>-</c>.</summary>
    /// <param name="path">A file path, or <see cref="StandardInputPath"/>.</param>
    /// <param name="standardInput">Read when <paramref name="path"/> is <c>-</c>.</param>
    /// <param name="column">The column to read, or null for <see cref="DefaultColumn"/> (and no error on a bare list).</param>
    /// <returns>The values, in order.</returns>
    /// <exception cref="InputDataException">The file is missing or unreadable, or its content is not a trace; the
    /// message names the file.</exception>
    public static List<double> ReadFile(string path, TextReader standardInput, string? column)
    {
        if (path == StandardInputPath)
        {
            try
            {
                return Read(standardInput, "standard input", column);
            }
            catch (IOException e)
            {
                throw new InputDataException($"Cannot read standard input: {e.Message}", innerException: e);
            }
        }

        if (!File.Exists(path))
        {
            throw new InputDataException(Directory.Exists(path)
                ? $"'{path}' is a folder, not a file."
                : $"The file '{path}' does not exist.");
        }

        try
        {
            var options = new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan };
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, options);
            return Read(reader, $"'{path}'", column);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"Cannot read '{path}': {e.Message}", innerException: e);
        }
    }

    /// <summary>Reads a trace from <paramref name="reader"/>.</summary>
    /// <param name="reader">The text; read to the end, not closed.</param>
    /// <param name="source">How messages name the input (e.g. <c>'losses.csv'</c>).</param>
    /// <param name="column">The column to read, or null for <see cref="DefaultColumn"/> (and no error on a bare list).</param>
    /// <returns>The values, in order.</returns>
    /// <exception cref="InputDataException">The input is not text or has no values, the column does not exist, a bare
    /// list is given a column, the quoting is malformed, or a line cannot be read (the message gives its number and
    /// text).</exception>
    public static List<double> Read(TextReader reader, string source, string? column)
    {
        var lines = new CsvRecordReader(reader, source);
        var first = lines.ReadLine()
            ?? throw new InputDataException($"{source} holds no values: it is empty or only blank lines.");

        var values = new List<double>();
        if (TryParseNumber(Unquote(first), out var firstValue))
        {
            if (column is not null)
            {
                throw new InputDataException(
                    $"{source} is a bare list of numbers (line {lines.RecordLine} is \"{InputText.Quote(first)}\"), so it has no column '{column}'; leave out --column.",
                    lines.RecordLine);
            }

            values.Add(firstValue);
            while (lines.ReadLine() is { } line)
            {
                values.Add(ParseBareLine(line, source, lines.RecordLine));
            }

            return values;
        }

        var name = column ?? DefaultColumn;
        var header = lines.ReadRecord(first)!;
        var columnIndex = FindColumn(CsvCells.All(header, source, lines.RecordLine), name, source, lines.RecordLine);
        while (lines.ReadRecord() is { } record)
        {
            values.Add(ParseCell(record, columnIndex, name, source, lines.RecordLine));
        }

        return values.Count > 0
            ? values
            : throw new InputDataException($"{source} has a header row but no values.", lines.LineNumber);
    }

    private static int FindColumn(List<string> names, string column, string source, long lineNumber)
    {
        var index = names.IndexOf(column);
        if (index >= 0)
        {
            return index;
        }

        var listed = string.Join(", ", names.Take(MaxListedColumns).Select(n => $"'{InputText.Quote(n)}'"));
        var more = names.Count > MaxListedColumns ? $", ... ({names.Count} columns in all)" : string.Empty;
        throw new InputDataException($"{source} has no column '{column}'; its header (line {lineNumber}) has: {listed}{more}.", lineNumber);
    }

    private static double ParseBareLine(string line, string source, long lineNumber) =>
        TryParseNumber(Unquote(line), out var value)
            ? value
            : throw new InputDataException($"{source} line {lineNumber}: \"{InputText.Quote(line)}\" is not a number.", lineNumber);

    private static double ParseCell(string record, int columnIndex, string column, string source, long lineNumber)
    {
        var cell = CsvCells.Cell(record, columnIndex, source, lineNumber, out var count);
        if (count >= 0)
        {
            throw new InputDataException(
                $"{source} line {lineNumber}: \"{InputText.Quote(record)}\" has {count} cells, but column '{column}' is cell {columnIndex + 1}.",
                lineNumber);
        }

        return TryParseNumber(cell, out var value)
            ? value
            : throw new InputDataException(
                $"{source} line {lineNumber}: column '{column}' holds \"{InputText.Quote(cell)}\", which is not a number (line: \"{InputText.Quote(record)}\").",
                lineNumber);
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out double value)
    {
        var cell = text.Trim();
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        // Python and numpy write non-finite values as inf, -inf, nan (NaN is already accepted above).
        value = cell.Equals("inf", StringComparison.OrdinalIgnoreCase) || cell.Equals("+inf", StringComparison.OrdinalIgnoreCase)
            ? double.PositiveInfinity
            : cell.Equals("-inf", StringComparison.OrdinalIgnoreCase) ? double.NegativeInfinity : 0;
        return value != 0;
    }

    /// <summary>A bare-list line without the double quotes around it, if it has them (a one-column CSV without header).</summary>
    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> line)
    {
        line = line.Trim();
        return line.Length >= 2 && line[0] == '"' && line[^1] == '"' ? line[1..^1] : line;
    }
}
