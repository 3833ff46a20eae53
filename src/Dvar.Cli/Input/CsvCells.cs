namespace Dvar.Cli.Input;

/// <summary>Splits a CSV record into cells as RFC 4180 does, with white space around a cell allowed and trimmed.</summary>
/// <remarks>
/// <para>Cells are separated by commas. A cell may be enclosed in double quotes; inside, commas and line breaks are
/// part of the cell and a double quote is written twice (<c>"1,5"</c> is the one cell <c>1,5</c>; <c>"a ""b"""</c> is
/// <c>a "b"</c>). Outside quotes, spaces and tabs around a cell are trimmed.</para>
/// <para>Malformed quoting is an error naming the line and the cell, never guessed at: a double quote inside a cell
/// that does not start with one, or text after a closing quote.</para>
/// <para><see cref="Cell"/> finds one cell without allocating unless that cell holds a doubled quote, so reading the
/// value column of a large file costs one string per line (the line itself).</para>
/// </remarks>
internal static class CsvCells
{
    /// <summary>Every cell of <paramref name="record"/>, unquoted and trimmed.</summary>
    /// <param name="record">The record.</param>
    /// <param name="source">How messages name the input.</param>
    /// <param name="line">The record's line, for messages.</param>
    /// <returns>The cells, in order (at least one).</returns>
    /// <exception cref="InputDataException">The quoting is malformed.</exception>
    public static List<string> All(string record, string source, long line)
    {
        var cells = new List<string>();
        var position = 0;
        while (true)
        {
            var (start, length, escaped) = Next(record, ref position, cells.Count, source, line);
            cells.Add(Text(record.AsSpan(start, length), escaped).Trim().ToString());
            if (position >= record.Length)
            {
                return cells;
            }

            position++; // the comma
        }
    }

    /// <summary>The cell of <paramref name="record"/> at <paramref name="index"/>, unquoted and trimmed.</summary>
    /// <param name="record">The record.</param>
    /// <param name="index">The 0-based cell index.</param>
    /// <param name="source">How messages name the input.</param>
    /// <param name="line">The record's line, for messages.</param>
    /// <param name="count">When the record is too short, how many cells it has; otherwise −1.</param>
    /// <returns>The cell, or empty when the record has fewer cells (then <paramref name="count"/> says how many).</returns>
    /// <exception cref="InputDataException">The quoting of a cell up to <paramref name="index"/> is malformed.</exception>
    public static ReadOnlySpan<char> Cell(string record, int index, string source, long line, out int count)
    {
        var position = 0;
        for (var i = 0; ; i++)
        {
            var (start, length, escaped) = Next(record, ref position, i, source, line);
            if (i == index)
            {
                count = -1;
                return Text(record.AsSpan(start, length), escaped).Trim();
            }

            if (position >= record.Length)
            {
                count = i + 1;
                return [];
            }

            position++; // the comma
        }
    }

    /// <summary>Scans the cell that starts at <paramref name="position"/> and leaves <paramref name="position"/> on the
    /// comma after it or at the end of the record.</summary>
    /// <returns>The cell's content (inside the quotes when quoted), and whether it holds doubled quotes.</returns>
    private static (int Start, int Length, bool Escaped) Next(string record, ref int position, int cellIndex, string source, long line)
    {
        var start = position;
        while (position < record.Length && record[position] is ' ' or '\t')
        {
            position++;
        }

        if (position >= record.Length || record[position] != '"')
        {
            var comma = record.IndexOf(',', position);
            var end = comma < 0 ? record.Length : comma;
            if (record.AsSpan(start, end - start).Contains('"'))
            {
                throw new InputDataException(
                    $"{source} line {line}: cell {cellIndex + 1} (\"{InputText.Quote(record.AsSpan(start, end - start))}\") holds a double quote "
                    + "but does not start with one; in CSV (RFC 4180) a cell with quotes is enclosed in quotes and a quote inside is written twice.",
                    line);
            }

            position = end;
            return (start, end - start, false);
        }

        var content = ++position;
        var escaped = false;
        while (true)
        {
            var quote = record.IndexOf('"', position);
            if (quote < 0)
            {
                throw new InputDataException($"{source} line {line}: the quoted cell {cellIndex + 1} is never closed.", line);
            }

            if (quote + 1 < record.Length && record[quote + 1] == '"')
            {
                escaped = true;
                position = quote + 2;
                continue;
            }

            position = quote + 1;
            while (position < record.Length && record[position] is ' ' or '\t')
            {
                position++;
            }

            if (position < record.Length && record[position] != ',')
            {
                throw new InputDataException(
                    $"{source} line {line}: cell {cellIndex + 1} has text after its closing quote (\"{InputText.Quote(record.AsSpan(start, Math.Min(record.Length, position + 1) - start))}\"); "
                    + "in CSV (RFC 4180) a quoted cell ends at its closing quote.",
                    line);
            }

            return (content, quote - content, escaped);
        }
    }

    private static ReadOnlySpan<char> Text(ReadOnlySpan<char> content, bool escaped) =>
        escaped ? content.ToString().Replace("\"\"", "\"", StringComparison.Ordinal) : content;
}
