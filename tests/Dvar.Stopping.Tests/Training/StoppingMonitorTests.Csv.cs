using System.Globalization;
using Dvar.Stopping.Tests.Training.Support;
using Dvar.Stopping.Training;
using Dvar.Testing;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Training;

public sealed partial class StoppingMonitorTests
{
    [Property]
    public void WriteHistoryCsv_ParsedBack_EqualsTheHistory_Meets_Specification(double[] losses, double[] trainingLosses)
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        for (var i = 0; i < losses.Length; i++)
        {
            monitor.Observe(3 * i, i < trainingLosses.Length ? trainingLosses[i] : null, losses[i]);
        }

        using var writer = new StringWriter();
        monitor.WriteHistoryCsv(writer);

        var lines = writer.ToString().Split('\n');
        Assert.Equal("step,train_loss,det_loss,statistic,stop", lines[0]);
        Assert.Equal(string.Empty, lines[^1]);
        Assert.Equal(monitor.History.Select(r => (r.Step, r.TrainingLoss, r.DeterministicLoss, r.Statistic, r.ShouldStop)), lines[1..^1].Select(ParseRow));
    }

    [Fact]
    public void WriteHistoryCsv_CommaDecimalCulture_StillWritesInvariantNumbers()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        monitor.Observe(1, 0.25, 1.5);
        monitor.Observe(2, -2.5e-7, 1.25);
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NegativeSign = "~";

        var original = CultureInfo.CurrentCulture;
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        try
        {
            CultureInfo.CurrentCulture = culture;
            monitor.WriteHistoryCsv(writer);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        var rows = writer.ToString().Split('\n')[1..^1].Select(ParseRow).ToList();
        Assert.Equal(0.25, rows[0].TrainingLoss);
        Assert.Equal(-2.5e-7, rows[1].TrainingLoss);
        Assert.Equal(1.25, rows[1].DeterministicLoss);
    }

    [Fact]
    public void SaveHistoryCsv_File_HoldsWhatWriteHistoryCsvWritesAndNoTemporaryFile()
    {
        using var folder = new TemporaryFolder();
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        monitor.Observe(1, 0.5, 1.0);
        monitor.Observe(2, null, 0.1);
        var path = Path.Combine(folder.Path, "history.csv");
        File.WriteAllText(path, "old content that is longer than the new one, to catch a missing truncation ............");

        monitor.SaveHistoryCsv(path);

        using var expected = new StringWriter();
        monitor.WriteHistoryCsv(expected);
        Assert.Equal(expected.ToString(), File.ReadAllText(path));
        Assert.Equal(["history.csv"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveHistoryCsv_MissingFolder_ThrowsNamingTheFolder()
    {
        using var folder = new TemporaryFolder();
        var missing = Path.Combine(folder.Path, "missing");
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));

        var e = Assert.Throws<DirectoryNotFoundException>(() => monitor.SaveHistoryCsv(Path.Combine(missing, "history.csv")));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    private static (long Step, double? TrainingLoss, double DeterministicLoss, double? Statistic, bool ShouldStop) ParseRow(string line)
    {
        var cells = line.Split(',');
        Assert.Equal(5, cells.Length);
        return (
            long.Parse(cells[0], CultureInfo.InvariantCulture),
            ParseOptional(cells[1]),
            double.Parse(cells[2], CultureInfo.InvariantCulture),
            ParseOptional(cells[3]),
            cells[4] switch { "1" => true, "0" => false, _ => throw new FormatException($"stop cell '{cells[4]}'") });
    }

    private static double? ParseOptional(string cell) => cell.Length == 0 ? null : double.Parse(cell, CultureInfo.InvariantCulture);
}
