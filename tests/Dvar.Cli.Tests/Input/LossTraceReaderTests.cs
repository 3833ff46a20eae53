using Dvar.Cli.Input;
using Dvar.Cli.Tests.Support;
using FsCheck;
using FsCheck.Xunit;

namespace Dvar.Cli.Tests.Input;

public sealed class LossTraceReaderTests
{
    [Property]
    public void Read_BareListOfAnyDoubles_ReturnsThemExactly_Meets_Specification(NormalFloat[] numbers)
    {
        var values = numbers.Select(n => n.Get).ToArray();
        if (values.Length == 0)
        {
            return;
        }

        Assert.Equal(values, LossTraceReader.Read(new StringReader(Traces.BareList(values)), "test", null));
    }

    [Property]
    public void Read_CsvOfAnyDoubles_ReturnsTheNamedColumnExactly_Meets_Specification(NormalFloat[] numbers)
    {
        var values = numbers.Select(n => n.Get).ToArray();
        if (values.Length == 0)
        {
            return;
        }

        Assert.Equal(values, LossTraceReader.Read(new StringReader(Traces.Csv(values, "det_loss")), "test", "det_loss"));
    }

    [Fact]
    public void Read_CsvWithoutColumn_ReadsTheLossColumn()
    {
        var csv = "step,loss,lr\n1,0.5,9\n2,0.25,9\n";
        Assert.Equal([0.5, 0.25], LossTraceReader.Read(new StringReader(csv), "test", null));
    }

    [Fact]
    public void Read_QuotedHeaderAndCellsWithSpacesAndCrLf_AreTrimmed()
    {
        var csv = "\"step\", \"loss\"\r\n1, 0.5\r\n2,\"0.25\" \r\n";
        Assert.Equal([0.5, 0.25], LossTraceReader.Read(new StringReader(csv), "test", null));
    }

    [Fact]
    public void Read_BlankLinesAnywhere_AreSkipped()
    {
        var text = "\n  \n0.5\n\n\t\n0.25\n\n";
        Assert.Equal([0.5, 0.25], LossTraceReader.Read(new StringReader(text), "test", null));
    }

    [Fact]
    public void Read_NonFiniteSpellings_AreReadAsNonFinite()
    {
        var text = "NaN\nnan\nInfinity\n-Infinity\ninf\n-inf\n+inf\n1e308\n";
        var values = LossTraceReader.Read(new StringReader(text), "test", null);
        Assert.Equal(
            [double.NaN, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, 1e308],
            values);
    }

    [Theory]
    [InlineData("0.5\n0,25\n", 2, "0,25")]
    [InlineData("0.5\n\n\nabc\n", 4, "abc")]
    [InlineData("1.5\n2 3\n", 2, "2 3")]
    public void Read_UnparsableBareLine_ThrowsWithLineNumberAndText(string text, long line, string shown)
    {
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(text), "'f.txt'", null));
        Assert.Equal(line, e.LineNumber);
        Assert.Contains($"'f.txt' line {line}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{shown}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnparsableCell_ThrowsWithLineNumberColumnAndLine()
    {
        var csv = "step,loss\n1,0.5\n2,oops\n";
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(csv), "'f.csv'", null));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'loss' holds \"oops\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"2,oops\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyCell_IsNotANumber()
    {
        var csv = "step,loss,lr\n1,,0.1\n";
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(csv), "test", null));
        Assert.Equal(2, e.LineNumber);
    }

    [Fact]
    public void Read_RowTooShort_ThrowsNamingTheCellCount()
    {
        var csv = "step,lr,loss\n1,0.1,0.5\n2,0.1\n";
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(csv), "test", null));
        Assert.Equal(3, e.LineNumber);
        Assert.Contains("has 2 cells, but column 'loss' is cell 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownColumn_ThrowsListingTheColumns()
    {
        var csv = "step,train_loss,det_loss\n1,0.5,0.4\n";
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(csv), "'f.csv'", "loss"));
        Assert.Contains("no column 'loss'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'step', 'train_loss', 'det_loss'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ColumnOnBareList_ThrowsSayingItHasNoColumns()
    {
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader("0.5\n"), "test", "loss"));
        Assert.Contains("bare list", e.Message, StringComparison.Ordinal);
        Assert.Contains("--column", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n \n\t\n")]
    public void Read_NoLines_ThrowsSayingItIsEmpty(string text)
    {
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(text), "'f.csv'", null));
        Assert.Contains("'f.csv' holds no values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderOnly_ThrowsSayingThereAreNoValues()
    {
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader("step,loss\n\n"), "test", null));
        Assert.Contains("header row but no values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Dash_ReadsStandardInput()
    {
        Assert.Equal([1.0, 2.0], LossTraceReader.ReadFile("-", new StringReader("1\n2\n"), null));
    }

    [Fact]
    public void ReadFile_MissingFile_ThrowsNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.csv");
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.ReadFile(path, TextReader.Null, null));
        Assert.Contains($"'{path}' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Folder_ThrowsSayingItIsAFolder()
    {
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.ReadFile(Path.GetTempPath(), TextReader.Null, null));
        Assert.Contains("is a folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_Utf8ByteOrderMark_IsIgnored()
    {
        using var file = new TraceFile("\uFEFFstep,loss\n1,0.5\n");
        Assert.Equal([0.5], LossTraceReader.ReadFile(file.Path, TextReader.Null, null));
    }
}
