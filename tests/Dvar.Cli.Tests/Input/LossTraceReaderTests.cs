using Dvar.Cli.Input;
using Dvar.Cli.Tests.Support;
using FsCheck;
using FsCheck.Xunit;

namespace Dvar.Cli.Tests.Input;

public sealed class LossTraceReaderTests
{
    [Property]
    public void Read_BareListOfAnyDoubles_ReturnsThemExactly_Meets_Specification(NonEmptyArray<NormalFloat> numbers)
    {
        // A trace holds at least one value (an empty one is an error, tested apart): FsCheck draws non-empty arrays only.
        var values = numbers.Get.Select(n => n.Get).ToArray();

        Assert.Equal(values, LossTraceReader.Read(new StringReader(Traces.BareList(values)), "test", null));
    }

    [Property]
    public void Read_CsvOfAnyDoubles_ReturnsTheNamedColumnExactly_Meets_Specification(NonEmptyArray<NormalFloat> numbers)
    {
        // A trace holds at least one value (an empty one is an error, tested apart): FsCheck draws non-empty arrays only.
        var values = numbers.Get.Select(n => n.Get).ToArray();

        Assert.Equal(values, LossTraceReader.Read(new StringReader(Traces.Csv(values, "det_loss")), "test", "det_loss"));
    }

    [Property]
    public void Read_Rfc4180CsvWithAnyTextInOtherCells_ReturnsTheNamedColumnExactly_Meets_Specification(NonEmptyArray<NormalFloat> numbers, string[] notes, bool crlf)
    {
        // Every other cell is arbitrary text (commas, quotes, line breaks, spaces) written as RFC 4180 does: enclosed
        // in quotes, with quotes doubled. The header names need quoting too.
        // A trace holds at least one value (an empty one is an error, tested apart): FsCheck draws non-empty arrays only.
        var values = numbers.Get.Select(n => n.Get).ToArray();

        var newline = crlf ? "\r\n" : "\n";
        var text = new System.Text.StringBuilder($"\"a, \"\"note\"\"\",loss,\"b\nc\"{newline}");
        for (var i = 0; i < values.Length; i++)
        {
            var note = notes.Length == 0 ? string.Empty : (notes[i % notes.Length] ?? string.Empty).Replace("\0", string.Empty, StringComparison.Ordinal);
            note = new string([.. note.Where(c => !char.IsControl(c) || c is '\n' or '\r' or '\t')]);
            text.Append('"').Append(note.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\",")
                .Append(values[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture))
                .Append(",\"").Append(note.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').Append(newline);
        }

        Assert.Equal(values, LossTraceReader.Read(new StringReader(text.ToString()), "test", "loss"));
    }

    [Theory]
    [InlineData("\"step, number\",\"loss\"\n\"1,000\",\"0.5\"\n", "loss", 0.5)]
    [InlineData("step,\"the \"\"loss\"\"\"\n1,0.25\n", "the \"loss\"", 0.25)]
    [InlineData("note,loss\n\"two\nlines, and a comma\",0.125\n", "loss", 0.125)]
    [InlineData("note,loss\n \"spaced\" , 0.75 \n", "loss", 0.75)]
    [InlineData("loss,note\n0.5,\"\"\n", "loss", 0.5)]
    public void Read_Rfc4180Quoting_IsParsed(string csv, string column, double expected)
    {
        Assert.Equal([expected], LossTraceReader.Read(new StringReader(csv), "test", column));
    }

    [Fact]
    public void Read_MultiLineCell_LaterLinesKeepTheirNumbers()
    {
        var csv = "note,loss\n\"a\nb\",0.5\n1,oops\n";

        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(csv), "'f.csv'", null));

        Assert.Equal(4, e.LineNumber);
        Assert.Contains("'f.csv' line 4", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("step,loss\n1,\"0.5\n2,0.25\n", 2, "never closed")]
    [InlineData("step,loss\n1,0\"5\n", 2, "cell 2 (\"0\"5\") holds a double quote but does not start with one")]
    [InlineData("step,loss\n1,\"0.5\"x\n", 2, "cell 2 has text after its closing quote")]
    [InlineData("\"step,loss\n1,0.5\n", 1, "never closed")]
    public void Read_MalformedQuoting_ThrowsNamingSourceLineAndCell(string csv, long line, string fragment)
    {
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(csv), "'f.csv'", null));

        Assert.Equal(line, e.LineNumber);
        Assert.Contains($"'f.csv' line {line}", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\uFFFDPNG\r\n\u001A\n\0\0\0\rIHDR", 2, 1, "0x1A")] // a PNG signature as UTF-8 decodes it
    [InlineData("\u007FELF\u0002\u0001", 1, 1, "0x7F")]
    [InlineData("l\0o\0s\0s\0\n\0", 1, 2, "0x00")]
    [InlineData("step,loss\n1,0.5\n2,\u001B[2J0.4\n", 3, 3, "0x1B")]
    public void Read_BinaryInput_ThrowsSayingItIsNotTextWithoutShowingIt(string content, long line, int character, string code)
    {
        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(content), "'f.bin'", null));

        Assert.StartsWith("'f.bin' does not look like text", e.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line} holds the control character {code} at character {character}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(e.Message, c => char.IsControl(c));
        Assert.DoesNotContain("PNG", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ELF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BinaryAfterTheFirstCharactersRead_IsFoundAtItsLine()
    {
        var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"0.{i + 1}\n")) + "\u0001\u0002\n";

        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(text), "test", null));

        Assert.Contains("line 2001 holds the control character 0x01", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8190)]
    [InlineData(8191)]
    [InlineData(8192)]
    [InlineData(8193)]
    public void Read_LineAcrossTheEndOfTheFirstCharactersRead_IsReadWhole(int padding)
    {
        // A line (or a CR LF) that straddles the characters checked ahead is read as if nothing were checked.
        var header = "loss," + new string('x', padding - 5 - 2);
        var text = header + "\r\n0.5,y\r\n0.25,z\r\n";

        Assert.Equal([0.5, 0.25], LossTraceReader.Read(new StringReader(text), "test", "loss"));
        Assert.Equal([0.5, 0.25], LossTraceReader.Read(new StringReader(text.Replace("\r\n", "\n", StringComparison.Ordinal)), "test", "loss"));
    }

    [Fact]
    public void Read_UnknownColumnOfAVeryWideHeader_ListsTwentyColumnsAndTheCount()
    {
        var csv = string.Join(',', Enumerable.Range(0, 5000).Select(i => $"c{i}")) + "\n1\n";

        var e = Assert.Throws<InputDataException>(() => LossTraceReader.Read(new StringReader(csv), "test", "loss"));

        Assert.Contains("'c19', ... (5000 columns in all).", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'c20'", e.Message, StringComparison.Ordinal);
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
