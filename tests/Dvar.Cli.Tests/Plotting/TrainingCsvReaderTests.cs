using System.Globalization;
using System.Text;
using Dvar.Cli.Input;
using Dvar.Cli.Plotting;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Training;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Plotting;

public sealed class TrainingCsvReaderTests
{
    [Fact]
    public void ReadHistory_MonitorCsv_GivesBackWhatTheMonitorRecorded()
    {
        using var folder = new TemporaryFolder();
        var monitor = new StoppingMonitor(new DvarCriterion(new DvarOptions { Window = 3, Threshold = 0.5 }));
        double[] det = [1.0, 0.5, 0.25, 0.24, 0.239, double.NaN];
        for (int step = 0; step < det.Length; step++)
        {
            monitor.Observe(step, step == 0 ? null : 1.0 / step, det[step]);
        }

        string path = folder.Combine("history.csv");
        monitor.SaveHistoryCsv(path);

        var rows = TrainingCsvReader.ReadHistory(path);

        Assert.Equal(monitor.History.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var expected = monitor.History[i];
            Assert.Equal(expected.Step, rows[i].Step);
            Assert.Equal(expected.TrainingLoss, rows[i].TrainLoss);
            Assert.Equal(expected.DeterministicLoss, rows[i].DeterministicLoss);
            Assert.Equal(expected.Statistic, rows[i].Statistic);
            Assert.Equal(expected.ShouldStop, rows[i].Stop);
        }
    }

    [Fact]
    public void ReadHistory_OtherToolsSpelling_IsAccepted()
    {
        // Reordered and unknown columns, upper-case names, quotes, spaces, CRLF, a BOM, blank lines, Python's nan/inf,
        // and no stop column.
        string text = "\uFEFF\"det_loss\", STEP ,lr,train_loss,statistic\r\n\r\n 0.5 ,\"0\",0.1,,\r\n   \r\nnan,1,0.1,inf,\r\n0.25,2,0.1,-inf,0.75\r\n";

        var rows = TrainingCsvReader.ReadHistory(new StringReader(text), "'t.csv'");

        Assert.Equal([0L, 1L, 2L], rows.Select(r => r.Step));
        Assert.Equal([0.5, double.NaN, 0.25], rows.Select(r => r.DeterministicLoss!.Value));
        Assert.Equal([null, double.PositiveInfinity, double.NegativeInfinity], rows.Select(r => r.TrainLoss));
        Assert.Equal([null, null, 0.75], rows.Select(r => r.Statistic));
        Assert.All(rows, r => Assert.False(r.Stop));
    }

    [Fact]
    public void ReadHistory_HeaderOnly_GivesNoRows()
    {
        Assert.Empty(TrainingCsvReader.ReadHistory(new StringReader(StoppingMonitor.HistoryCsvHeader + "\n"), "'h.csv'"));
    }

    [Theory]
    [InlineData("step,train_loss,det_loss,statistic,stop\n0,,1.5,,0\n1,0.5,1.4,0\n", 3, "has 4 cells, but the header has 5")]
    [InlineData("step,train_loss,det_loss,statistic,stop\n0,,1.5,,0\n\n1,0.5,oops,,0\n", 4, "column 'det_loss' holds \"oops\"")]
    [InlineData("step,train_loss,det_loss,statistic,stop\n0.5,,1.5,,0\n", 2, "column 'step' holds \"0.5\", which is not an integer")]
    [InlineData("step,train_loss,det_loss,statistic,stop\n0,,1.5,,maybe\n", 2, "column 'stop' holds \"maybe\"")]
    [InlineData("step,train_loss,det_loss,statistic,stop\n0,,1.5,,0,7\n", 2, "has 6 cells")]
    public void ReadHistory_MalformedRow_NamesTheSourceAndLine(string text, long line, string fragment)
    {
        var e = Assert.Throws<InputDataException>(() => TrainingCsvReader.ReadHistory(new StringReader(text), "'h.csv'"));

        Assert.Equal(line, e.LineNumber);
        Assert.StartsWith($"'h.csv' line {line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("\n  \n", "is empty")]
    [InlineData("loss\n1\n", "has no column 'step'; its header (line 1) has: 'loss'")]
    [InlineData("step,lr\n0,0.1\n", "has neither 'train_loss' nor 'det_loss'")]
    public void ReadHistory_NotAHistory_SaysWhy(string text, string fragment)
    {
        var e = Assert.Throws<InputDataException>(() => TrainingCsvReader.ReadHistory(new StringReader(text), "'h.csv'"));

        Assert.Contains("'h.csv'", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadHistory_MissingFileOrFolder_NamesThePath()
    {
        using var folder = new TemporaryFolder();
        string missing = folder.Combine("nope.csv");

        var none = Assert.Throws<InputDataException>(() => TrainingCsvReader.ReadHistory(missing));
        var dir = Assert.Throws<InputDataException>(() => TrainingCsvReader.ReadScores(folder.Path));

        Assert.Contains(missing, none.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", none.Message, StringComparison.Ordinal);
        Assert.Contains("is a folder", dir.Message, StringComparison.Ordinal);
        Assert.Null(none.LineNumber);
    }

    [Fact]
    public void ReadScores_TrainerFormat_EmptyValidationCellsAreNull()
    {
        var text = new StringBuilder("step,train_img,val_img,val_txt\n");
        text.Append(CultureInfo.InvariantCulture, $"0,{0.61:R},,\n");
        text.Append(CultureInfo.InvariantCulture, $"50,{0.7:R},{0.65:R},{0.29:R}\n");

        var rows = TrainingCsvReader.ReadScores(new StringReader(text.ToString()), "'s.csv'");

        Assert.Equal(new ScoreRow(0, 0.61, null, null), rows[0]);
        Assert.Equal(new ScoreRow(50, 0.7, 0.65, 0.29), rows[1]);
    }

    [Fact]
    public void ReadScores_WithoutValidationColumnsOrRows_IsAccepted()
    {
        Assert.Equal(
            [new ScoreRow(5, 0.5, null, null)],
            TrainingCsvReader.ReadScores(new StringReader("train_img,step\n0.5,5\n"), "'s.csv'"));
        Assert.Empty(TrainingCsvReader.ReadScores(new StringReader("step,train_img,val_img,val_txt\n"), "'s.csv'"));
    }

    [Fact]
    public void ReadScores_HistoryGivenAsScores_NamesTheMissingColumn()
    {
        var e = Assert.Throws<InputDataException>(
            () => TrainingCsvReader.ReadScores(new StringReader(StoppingMonitor.HistoryCsvHeader + "\n0,,1,,0\n"), "'s.csv'"));

        Assert.Contains("has no column 'train_img'", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, e.LineNumber);
    }
}
