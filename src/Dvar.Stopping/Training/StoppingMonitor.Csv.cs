using System.Globalization;
using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.IO;

namespace Dvar.Stopping.Training;

/// <content>The history as CSV.</content>
public sealed partial class StoppingMonitor
{
    /// <summary>The header row of the history CSV.</summary>
    public const string HistoryCsvHeader = "step,train_loss,det_loss,statistic,stop";

    /// <summary>Writes <see cref="History"/> as CSV: the header <c>step,train_loss,det_loss,statistic,stop</c>, then one
    /// row per record, oldest first.</summary>
    /// <remarks>Numbers use the invariant culture and the shortest round-trip form ("R"), so parsing a cell with
    /// <c>double.Parse(cell, CultureInfo.InvariantCulture)</c> gives back the exact double. An absent training loss or
    /// an undefined statistic is an empty cell; NaN and infinities are written <c>NaN</c>, <c>Infinity</c>,
    /// <c>-Infinity</c>. <c>stop</c> is 1 where the decision said stop, else 0. Lines end with <c>\n</c>.</remarks>
    /// <param name="writer">Where to write; not closed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void WriteHistoryCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(HistoryCsvHeader);
        writer.Write('\n');
        Span<char> buffer = stackalloc char[32];
        foreach (var record in _history)
        {
            WriteCell(writer, buffer, record.Step);
            writer.Write(',');
            WriteCell(writer, buffer, record.TrainingLoss);
            writer.Write(',');
            WriteCell(writer, buffer, record.DeterministicLoss);
            writer.Write(',');
            WriteCell(writer, buffer, record.Statistic);
            writer.Write(record.ShouldStop ? ",1\n" : ",0\n");
        }
    }

    /// <summary>Saves <see cref="History"/> as CSV (see <see cref="WriteHistoryCsv"/>) to a file, atomically: the text
    /// goes to a temporary file in the same folder, is flushed to disk, then replaces <paramref name="path"/>.</summary>
    /// <param name="path">The file to create or replace (UTF-8, no byte-order mark).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file could not be written or replaced; an existing file is left as it was.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder may not be written; an existing file is left as it was.</exception>
    public void SaveHistoryCsv(string path)
    {
        AtomicFile.WriteAllText(path, WriteHistoryCsv);
        Log.MonitorHistorySaved(_logger, _history.Count, Criterion.Name, path);
    }

    private static void WriteCell(TextWriter writer, Span<char> buffer, double? value)
    {
        if (value is { } v && v.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture))
        {
            writer.Write(buffer[..written]);
        }
    }

    private static void WriteCell(TextWriter writer, Span<char> buffer, long value)
    {
        value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
        writer.Write(buffer[..written]);
    }
}
