using System.Globalization;
using System.Text;
using Dvar.Cli.Input;

namespace Dvar.Cli.Plotting;

/// <summary>Reads the CSV files a training run writes: <c>history.csv</c> (<c>step,train_loss,det_loss,statistic,stop</c>)
/// and <c>scores.csv</c> (<c>step,train_img,val_img,val_txt</c>), into plain records.</summary>
/// <remarks>
/// <para>Tolerant of what other tools do to such files: columns are found by name in the header row (any order, names
/// compared case-insensitively, unknown columns ignored, optional columns may be missing); cells are trimmed and
/// surrounding double quotes removed; blank lines are skipped anywhere; a UTF-8 byte-order mark and <c>\r\n</c> line
/// ends are accepted. An empty cell is an absent value (null). Numbers use the invariant culture; <c>NaN</c>,
/// <c>Infinity</c>, <c>-Infinity</c> and Python's <c>nan</c>, <c>inf</c>, <c>-inf</c> are read as non-finite values
/// (the plots leave them out). A header row without data rows gives an empty list.</para>
/// <para>Strict where a guess would hide a damaged file: a missing required column, a row with more or fewer cells than
/// the header, a step that is not an integer, or a cell that is not a number is an <see cref="InputDataException"/>
/// whose message names the file, the line number and the line.</para>
/// </remarks>
internal static class TrainingCsvReader
{
    /// <summary>The header written by the stopping monitor.</summary>
    public const string HistoryHeader = "step,train_loss,det_loss,statistic,stop";

    /// <summary>The header written by the trainer's sample scoring.</summary>
    public const string ScoresHeader = "step,train_img,val_img,val_txt";

    /// <summary>The name the trainer gives the scores file, next to <c>history.csv</c>.</summary>
    public const string ScoresFileName = "scores.csv";

    private const int MaxQuotedLength = 60;

    /// <summary>Reads a <c>history.csv</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rows, in file order.</returns>
    /// <exception cref="InputDataException">The file is missing, a folder or unreadable, or its content is not a history
    /// (the message names the file, and the line where one is at fault).</exception>
    public static IReadOnlyList<HistoryRow> ReadHistory(string path) => ReadFile(path, ReadHistory);

    /// <summary>Reads a history from <paramref name="reader"/>: a header row with a <c>step</c> column and at least one of
    /// <c>train_loss</c>, <c>det_loss</c>; <c>statistic</c> and <c>stop</c> are optional.</summary>
    /// <param name="reader">The text; read to the end, not closed.</param>
    /// <param name="source">How messages name the input, e.g. <c>'runs/cat/history.csv'</c>.</param>
    /// <returns>The rows, in order.</returns>
    /// <exception cref="InputDataException">The content is not a history; the message names the line at fault.</exception>
    public static IReadOnlyList<HistoryRow> ReadHistory(TextReader reader, string source)
    {
        long lineNumber = 0;
        string[] header = ReadHeader(reader, source, HistoryHeader, ref lineNumber);
        int step = RequireColumn(header, "step", source, HistoryHeader, lineNumber);
        int trainLoss = FindColumn(header, "train_loss");
        int detLoss = FindColumn(header, "det_loss");
        int statistic = FindColumn(header, "statistic");
        int stop = FindColumn(header, "stop");
        if (trainLoss < 0 && detLoss < 0)
        {
            throw new InputDataException(
                $"{source} is not a training history: its header (line {lineNumber}) has neither 'train_loss' nor 'det_loss' ({Names(header)}); expected '{HistoryHeader}'.",
                lineNumber);
        }

        var rows = new List<HistoryRow>();
        while (ReadRow(reader, header, source, ref lineNumber) is ({ } line, { } cells))
        {
            rows.Add(new HistoryRow(
                Step(line, cells, step, source, lineNumber),
                Number(line, cells, trainLoss, "train_loss", source, lineNumber),
                Number(line, cells, detLoss, "det_loss", source, lineNumber),
                Number(line, cells, statistic, "statistic", source, lineNumber),
                Flag(line, cells, stop, "stop", source, lineNumber)));
        }

        return rows;
    }

    /// <summary>Reads a <c>scores.csv</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The rows, in file order.</returns>
    /// <exception cref="InputDataException">The file is missing, a folder or unreadable, or its content is not a scores
    /// file (the message names the file, and the line where one is at fault).</exception>
    public static IReadOnlyList<ScoreRow> ReadScores(string path) => ReadFile(path, ReadScores);

    /// <summary>Reads sample scores from <paramref name="reader"/>: a header row with <c>step</c> and <c>train_img</c>
    /// columns; <c>val_img</c> and <c>val_txt</c> are optional.</summary>
    /// <param name="reader">The text; read to the end, not closed.</param>
    /// <param name="source">How messages name the input, e.g. <c>'runs/cat/scores.csv'</c>.</param>
    /// <returns>The rows, in order.</returns>
    /// <exception cref="InputDataException">The content is not a scores file; the message names the line at fault.</exception>
    public static IReadOnlyList<ScoreRow> ReadScores(TextReader reader, string source)
    {
        long lineNumber = 0;
        string[] header = ReadHeader(reader, source, ScoresHeader, ref lineNumber);
        int step = RequireColumn(header, "step", source, ScoresHeader, lineNumber);
        int trainImage = RequireColumn(header, "train_img", source, ScoresHeader, lineNumber);
        int validationImage = FindColumn(header, "val_img");
        int validationText = FindColumn(header, "val_txt");
        var rows = new List<ScoreRow>();
        while (ReadRow(reader, header, source, ref lineNumber) is ({ } line, { } cells))
        {
            rows.Add(new ScoreRow(
                Step(line, cells, step, source, lineNumber),
                Number(line, cells, trainImage, "train_img", source, lineNumber),
                Number(line, cells, validationImage, "val_img", source, lineNumber),
                Number(line, cells, validationText, "val_txt", source, lineNumber)));
        }

        return rows;
    }

    private static IReadOnlyList<T> ReadFile<T>(string path, Func<TextReader, string, IReadOnlyList<T>> read)
    {
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
            return read(reader, $"'{path}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"Cannot read '{path}': {e.Message}", innerException: e);
        }
    }

    private static string[] ReadHeader(TextReader reader, string source, string expected, ref long lineNumber)
    {
        string line = ReadNonBlankLine(reader, ref lineNumber)
            ?? throw new InputDataException($"{source} is empty; expected a header row '{expected}'.");
        return SplitCells(line.TrimStart('\uFEFF')); // A byte-order mark that a reader other than StreamReader left in.
    }

    private static (string Line, string[] Cells)? ReadRow(TextReader reader, string[] header, string source, ref long lineNumber)
    {
        if (ReadNonBlankLine(reader, ref lineNumber) is not { } line)
        {
            return null;
        }

        string[] cells = SplitCells(line);
        return cells.Length == header.Length
            ? (line, cells)
            : throw new InputDataException(
                $"{source} line {lineNumber}: \"{Quote(line)}\" has {cells.Length} cells, but the header has {header.Length} ({Names(header)}).",
                lineNumber);
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

    private static string[] SplitCells(string line) => [.. line.Split(',').Select(Unquote)];

    private static string Unquote(string cell)
    {
        var text = cell.AsSpan().Trim();
        return (text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1].Trim() : text).ToString();
    }

    private static int FindColumn(string[] header, string name) =>
        Array.FindIndex(header, cell => cell.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static int RequireColumn(string[] header, string name, string source, string expected, long lineNumber)
    {
        int index = FindColumn(header, name);
        return index >= 0
            ? index
            : throw new InputDataException(
                $"{source} has no column '{name}'; its header (line {lineNumber}) has: {Names(header)}. Expected '{expected}'.",
                lineNumber);
    }

    private static string Names(string[] header) => string.Join(", ", header.Select(name => $"'{Quote(name)}'"));

    private static long Step(string line, string[] cells, int column, string source, long lineNumber) =>
        long.TryParse(cells[column], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step)
            ? step
            : throw Bad(line, cells[column], "step", "an integer", source, lineNumber);

    private static double? Number(string line, string[] cells, int column, string name, string source, long lineNumber)
    {
        if (column < 0 || cells[column].Length == 0)
        {
            return null;
        }

        string cell = cells[column];
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }

        // Python and numpy write non-finite values as nan, inf, -inf.
        return cell.ToUpperInvariant() switch
        {
            "NAN" => double.NaN,
            "INF" or "+INF" => double.PositiveInfinity,
            "-INF" => double.NegativeInfinity,
            _ => throw Bad(line, cell, name, "a number", source, lineNumber),
        };
    }

    private static bool Flag(string line, string[] cells, int column, string name, string source, long lineNumber)
    {
        if (column < 0)
        {
            return false;
        }

        return cells[column].ToUpperInvariant() switch
        {
            "1" or "TRUE" => true,
            "0" or "FALSE" or "" => false,
            _ => throw Bad(line, cells[column], name, "0 or 1", source, lineNumber),
        };
    }

    private static InputDataException Bad(string line, string cell, string column, string expected, string source, long lineNumber) =>
        new($"{source} line {lineNumber}: column '{column}' holds \"{Quote(cell)}\", which is not {expected} (line: \"{Quote(line)}\").", lineNumber);

    private static string Quote(string text) => text.Length <= MaxQuotedLength ? text : string.Concat(text.AsSpan(0, MaxQuotedLength), "...");
}
