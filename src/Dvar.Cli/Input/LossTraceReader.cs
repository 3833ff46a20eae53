using System.Globalization;
using System.Text;

namespace Dvar.Cli.Input;

/// <summary>Reads a loss trace: a CSV file with a header row (one column holds the values) or a bare list of one
/// number per line.</summary>
/// <remarks>
/// <para>The first non-blank line decides: if it is a number, the input is a bare list; otherwise it is the header row
/// of a comma-separated file (cells are trimmed; surrounding double quotes are removed). Blank and whitespace-only lines
/// are skipped anywhere. Numbers use the invariant culture (<c>.</c> decimal point, exponents allowed); <c>NaN</c>,
/// <c>Infinity</c>, <c>-Infinity</c> and Python's <c>nan</c>, <c>inf</c>, <c>-inf</c> are read as non-finite values
/// and left to the criterion's non-finite policy. Every line is read and checked, so a bad line after the stop is
/// still reported.</para>
/// <para>Lines are read one at a time; each value costs 8 bytes, so 1,000,000 values take 8 MB.</para>
/// </remarks>
internal static class LossTraceReader
{
    /// <summary>The column read from a CSV file when none is named.</summary>
    public const string DefaultColumn = "loss";

    /// <summary>The path that means standard input.</summary>
    public const string StandardInputPath = "-";

    private const int MaxQuotedLength = 60;

    /// <summary>Reads the trace in <paramref name="path"/>, or in <paramref name="standardInput"/> when the path is <c>-</c>.</summary>
    /// <param name="path">A file path, or <see cref="StandardInputPath"/>.</param>
    /// <param name="standardInput">Read when <paramref name="path"/> is <c>-</c>.</param>
    /// <param name="column">The column to read, or null for <see cref="DefaultColumn"/> (and no error on a bare list).</param>
    /// <returns>The values, in order.</returns>
    /// <exception cref="InputDataException">The file is missing or unreadable, or its content is not a trace.</exception>
    public static List<double> ReadFile(string path, TextReader standardInput, string? column)
    {
        if (path == StandardInputPath)
        {
            return Read(standardInput, "standard input", column);
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
    /// <exception cref="InputDataException">The input has no values, the column does not exist, a bare list is given a
    /// column, or a line cannot be read (the message gives its number and text).</exception>
    public static List<double> Read(TextReader reader, string source, string? column)
    {
        long lineNumber = 0;
        var first = ReadNonBlankLine(reader, ref lineNumber)
            ?? throw new InputDataException($"{source} holds no values: it is empty or only blank lines.");

        var values = new List<double>();
        int columnIndex;
        if (TryParseNumber(first, out var firstValue))
        {
            if (column is not null)
            {
                throw new InputDataException(
                    $"{source} is a bare list of numbers (line {lineNumber} is \"{Quote(first)}\"), so it has no column '{column}'; leave out --column.",
                    lineNumber);
            }

            values.Add(firstValue);
            columnIndex = -1;
        }
        else
        {
            columnIndex = FindColumn(first, column ?? DefaultColumn, source, lineNumber);
        }

        while (ReadNonBlankLine(reader, ref lineNumber) is { } line)
        {
            values.Add(columnIndex < 0
                ? ParseBareLine(line, source, lineNumber)
                : ParseCell(line, columnIndex, column ?? DefaultColumn, source, lineNumber));
        }

        return values.Count > 0
            ? values
            : throw new InputDataException($"{source} has a header row but no values.", lineNumber);
    }

    private static string? ReadNonBlankLine(TextReader reader, ref long lineNumber)
    {
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (!line.AsSpan().IsWhiteSpace())
            {
                return line;
            }
        }

        return null;
    }

    private static int FindColumn(string header, string column, string source, long lineNumber)
    {
        var names = header.Split(',').Select(cell => Unquote(cell).ToString()).ToList();
        var index = names.IndexOf(column);
        return index >= 0
            ? index
            : throw new InputDataException(
                $"{source} has no column '{column}'; its header (line {lineNumber}) has: {string.Join(", ", names.Select(n => $"'{n}'"))}.",
                lineNumber);
    }

    private static double ParseBareLine(string line, string source, long lineNumber) =>
        TryParseNumber(line, out var value)
            ? value
            : throw new InputDataException($"{source} line {lineNumber}: \"{Quote(line)}\" is not a number.", lineNumber);

    private static double ParseCell(string line, int columnIndex, string column, string source, long lineNumber)
    {
        var rest = line.AsSpan();
        for (var i = 0; i < columnIndex; i++)
        {
            var comma = rest.IndexOf(',');
            if (comma < 0)
            {
                throw new InputDataException(
                    $"{source} line {lineNumber}: \"{Quote(line)}\" has {i + 1} cells, but column '{column}' is cell {columnIndex + 1}.",
                    lineNumber);
            }

            rest = rest[(comma + 1)..];
        }

        var end = rest.IndexOf(',');
        var cell = end < 0 ? rest : rest[..end];
        return TryParseNumber(cell, out var value)
            ? value
            : throw new InputDataException(
                $"{source} line {lineNumber}: column '{column}' holds \"{Quote(cell)}\", which is not a number (line: \"{Quote(line)}\").",
                lineNumber);
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out double value)
    {
        var cell = Unquote(text);
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

    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> cell)
    {
        cell = cell.Trim();
        return cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"' ? cell[1..^1].Trim() : cell;
    }

    private static string Quote(ReadOnlySpan<char> text) =>
        text.Length <= MaxQuotedLength ? text.ToString() : string.Concat(text[..MaxQuotedLength], "...");
}
