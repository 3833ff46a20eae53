using System.Text.Json;
using Dvar.Cli.Replay;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

public sealed class ReplayCommandTests
{
    public static TheoryData<string[], object> Criteria => new()
    {
        { ["--criterion", "dvar", "--window", "120"], new CriterionParameters(Window: 120) },
        { ["--criterion", "dvar", "--window", "50", "--threshold", "0.3"], new CriterionParameters(Window: 50, Threshold: 0.3) },
        { ["--criterion", "ema", "--lag", "30", "--threshold", "0.005"], new CriterionParameters(Lag: 30, Threshold: 0.005) },
        { ["--criterion", "ema", "--lag", "30", "--threshold", "0.005", "--smoothing", "0.3"], new CriterionParameters(Lag: 30, Threshold: 0.005, Smoothing: 0.3) },
        { ["--criterion", "hall", "--window", "40", "--threshold", "0.05"], new CriterionParameters(Window: 40, Threshold: 0.05) },
        { ["--criterion", "trend", "--window", "40", "--threshold", "2e-5"], new CriterionParameters(Window: 40, Threshold: 2e-5) },
        { ["--criterion", "patience", "--patience", "4"], new CriterionParameters(Patience: 4) },
        { ["--criterion", "patience", "--patience", "4", "--min-delta", "0.01"], new CriterionParameters(Patience: 4, MinDelta: 0.01) },
        { ["--criterion", "fixed", "--steps", "321"], new CriterionParameters(Steps: 321) },
    };

    [Theory]
    [MemberData(nameof(Criteria))]
    public void Replay_CsvFile_JsonReportsTheStopOfDirectFeeding(string[] options, object parameters)
    {
        var values = Traces.Settling(1500, seed: 11);
        using var file = new TraceFile(Traces.Csv(values));
        var criterion = CriterionFactory.Create(Enum.Parse<CriterionKind>(options[1], ignoreCase: true), (CriterionParameters)parameters);
        var decisions = values.Select(criterion.Observe).ToList();
        var firstStop = decisions.FindIndex(d => d.ShouldStop);
        var reported = firstStop >= 0 ? decisions[firstStop] : decisions[^1];

        var run = CliRun.Of(["replay", file.Path, .. options, "--format", "json"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(criterion.Name, root.GetProperty("criterion").GetString());
        Assert.Equal(values.Length, root.GetProperty("observations").GetInt64());
        Assert.Equal(firstStop >= 0, root.GetProperty("stopped").GetBoolean());
        Assert.Equal(firstStop >= 0 ? firstStop + 1 : null, Nullable(root.GetProperty("stopIndex"))?.GetInt64());
        Assert.Equal(reported.Statistic, Nullable(root.GetProperty("statistic"))?.GetDouble());
        Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(reported.Reason.ToString()), root.GetProperty("reason").GetString());
    }

    [Fact]
    public void Replay_StandardInputBareList_EqualsTheSameCsvFile()
    {
        var values = Traces.Settling(800, seed: 5);
        using var file = new TraceFile(Traces.Csv(values, "det_loss"));

        var fromStdin = CliRun.Of(["replay", "-", "--criterion", "dvar", "--window", "60", "--format", "json"], Traces.BareList(values));
        var fromFile = CliRun.Of(["replay", file.Path, "--criterion", "dvar", "--window", "60", "--column", "det_loss", "--format", "json"]);

        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(fromFile.Output, fromStdin.Output);
        using var json = JsonDocument.Parse(fromStdin.Output);
        Assert.True(json.RootElement.GetProperty("stopped").GetBoolean());
    }

    [Fact]
    public void Replay_DvarWithoutOptions_UsesTheTextualInversionPreset()
    {
        var values = Traces.Settling(3000, seed: 2);
        var criterion = CriterionFactory.Create(CriterionKind.Dvar, new(Window: 310, Threshold: 0.15));
        var firstStop = values.Select(criterion.Observe).ToList().FindIndex(d => d.ShouldStop);

        var run = CliRun.Of(["replay", "-", "--criterion", "dvar", "--format", "json"], Traces.BareList(values));

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(firstStop + 1, json.RootElement.GetProperty("stopIndex").GetInt64());
    }

    [Fact]
    public void Replay_DefaultFormat_IsOneLineOfText()
    {
        var run = CliRun.Of(["replay", "-", "--criterion", "fixed", "--steps", "2"], "1\n2\n3\n");

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Output.TrimEnd('\n').Split('\n'));
        Assert.Contains("stop at observation 2 of 3", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_NonFiniteValue_StopsWithNonFiniteReason()
    {
        var run = CliRun.Of(["replay", "-", "--criterion", "fixed", "--steps", "100", "--format", "json"], "1\n2\nnan\n3\n");

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(3, json.RootElement.GetProperty("stopIndex").GetInt64());
        Assert.Equal("nonFiniteValue", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("observations").GetInt64());
    }

    [Fact]
    public void Replay_MissingFile_ExitsWithInputDataCode()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.csv");
        CliRun.Of(["replay", path, "--criterion", "dvar"]).AssertFails(ExitCodes.InputData, path, "does not exist");
    }

    [Fact]
    public void Replay_UnparsableLine_ExitsWithInputDataCodeNamingLineAndText()
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar"], "0.5\n0.4\n0.3x\n")
            .AssertFails(ExitCodes.InputData, "standard input line 3", "\"0.3x\"");
    }

    [Fact]
    public void Replay_UnknownColumn_ExitsWithInputDataCodeListingColumns()
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar", "--column", "det_loss"], "step,train_loss\n1,0.5\n")
            .AssertFails(ExitCodes.InputData, "no column 'det_loss'", "'step', 'train_loss'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("step,loss\n")]
    public void Replay_EmptyInput_ExitsWithInputDataCode(string input)
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar"], input).AssertFails(ExitCodes.InputData, "standard input");
    }

    [Theory]
    [InlineData("--window", "1", "--window")]
    [InlineData("--window", "abc", "--window must be an integer; got 'abc'")]
    [InlineData("--window", "2.5", "--window must be an integer; got '2.5'")]
    [InlineData("--threshold", "0", "--threshold")]
    [InlineData("--threshold", "1", "--threshold")]
    [InlineData("--threshold", "0,1", "--threshold must be a number; got '0,1'")]
    [InlineData("--threshold", "NaN", "--threshold")]
    public void Replay_InvalidDvarParameter_ExitsWithUsageCodeNamingIt(string option, string value, string fragment)
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar", option, value], "1\n").AssertFails(ExitCodes.Usage, fragment);
    }

    [Theory]
    [InlineData(new[] { "--criterion", "ema", "--lag", "0", "--threshold", "0.1" }, "--lag")]
    [InlineData(new[] { "--criterion", "ema", "--lag", "3", "--threshold", "0.1", "--smoothing", "0" }, "--smoothing")]
    [InlineData(new[] { "--criterion", "hall", "--window", "1", "--threshold", "0.1" }, "--window")]
    [InlineData(new[] { "--criterion", "trend", "--window", "5", "--threshold", "-1" }, "--threshold")]
    [InlineData(new[] { "--criterion", "patience", "--patience", "-2" }, "--patience")]
    [InlineData(new[] { "--criterion", "patience", "--patience", "2", "--min-delta", "-1" }, "--min-delta")]
    [InlineData(new[] { "--criterion", "fixed", "--steps", "0" }, "--steps")]
    [InlineData(new[] { "--criterion", "fixed", "--steps", "1e3" }, "--steps must be an integer")]
    public void Replay_InvalidParameter_ExitsWithUsageCodeNamingIt(string[] options, string option)
    {
        CliRun.Of(["replay", "-", .. options], "1\n").AssertFails(ExitCodes.Usage, option);
    }

    [Fact]
    public void Replay_InapplicableOption_ExitsWithUsageCodeNamingIt()
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar", "--lag", "5"], "1\n")
            .AssertFails(ExitCodes.Usage, "--lag does not apply to --criterion dvar");
    }

    [Fact]
    public void Replay_MissingRequiredOption_ExitsWithUsageCodeNamingIt()
    {
        CliRun.Of(["replay", "-", "--criterion", "hall", "--window", "5"], "1\n")
            .AssertFails(ExitCodes.Usage, "--criterion hall needs", "missing: --threshold");
    }

    [Fact]
    public void Replay_UnknownCriterion_ExitsWithUsageCodeListingTheCriteria()
    {
        CliRun.Of(["replay", "-", "--criterion", "dvr"], "1\n")
            .AssertFails(ExitCodes.Usage, "--criterion must be one of dvar, ema, hall, trend, patience, fixed; got 'dvr'");
    }

    [Fact]
    public void Replay_UnknownFormat_ExitsWithUsageCode()
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar", "--format", "xml"], "1\n")
            .AssertFails(ExitCodes.Usage, "--format must be one of text, json; got 'xml'");
    }

    [Fact]
    public void Replay_NoCriterion_ExitsWithUsageCode()
    {
        CliRun.Of(["replay", "-"], "1\n").AssertFails(ExitCodes.Usage, "--criterion");
    }

    [Fact]
    public void Replay_NoFile_ExitsWithUsageCode()
    {
        CliRun.Of(["replay", "--criterion", "dvar"]).AssertFails(ExitCodes.Usage, "dvar replay:");
    }

    [Fact]
    public void Replay_UsageErrorAndBadFile_ReportsTheUsageErrorFirst()
    {
        CliRun.Of(["replay", "/no/such/file", "--criterion", "dvar", "--lag", "2"])
            .AssertFails(ExitCodes.Usage, "--lag does not apply");
    }

    [Fact]
    public void Replay_Help_PrintsTheOptionsAndSucceeds()
    {
        var run = CliRun.Of(["replay", "--help"]);

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--criterion", "--window", "--threshold", "--lag", "--smoothing", "--patience", "--min-delta", "--steps", "--column", "--format" })
        {
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Replay_Run_NeverLoadsTorchSharp()
    {
        var (exitCode, loaded) = IsolatedCli.Run(["replay", "-", "--criterion", "dvar", "--window", "3"], "1\n2\n3\n4\n");

        Assert.Equal(0, exitCode);
        Assert.Contains("Dvar.Stopping", loaded);
        Assert.DoesNotContain(loaded, name => name is "TorchSharp" or "Dvar.Stopping.TorchSharp");
    }

    [Theory]
    [InlineData(512)] // 1.3e154 and up: (x − mean)² overflows in a plain variance
    [InlineData(1000)] // 1.1e301
    [InlineData(-1000)] // 9.3e-302: (x − mean)² underflows to 0
    public void Replay_ValuesAtTheEndsOfTheRange_StopWhereTheNaiveFormulaStopsOnTheUnscaledTrace(int exponent)
    {
        // The trace times 2^j is exact, and DVAR's ratio does not change under scaling; so the replay of the scaled
        // trace must stop where the naive two-pass formula stops on the original one (the scaled form of the reference).
        var values = Traces.Settling(1500, seed: 13);
        var scaled = values.Select(v => Math.ScaleB(v, exponent)).ToArray();
        var expected = NaiveCriteria.DvarStop(values, 310, 0.15);

        var run = CliRun.Of(["replay", "-", "--criterion", "dvar", "--format", "json"], Traces.BareList(scaled));

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.NotNull(expected);
        Assert.Equal(expected, Nullable(json.RootElement.GetProperty("stopIndex"))?.GetInt64());
        Assert.True(json.RootElement.GetProperty("stopped").GetBoolean());
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("statistic").ValueKind);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(1000)]
    [InlineData(-1000)]
    public void Replay_TrendAtTheEndsOfTheRange_StopsWhereTheNaiveFormulaStopsOnTheUnscaledTrace(int exponent)
    {
        var values = Traces.Settling(1500, seed: 17);
        var scaled = values.Select(v => Math.ScaleB(v, exponent)).ToArray();
        var expected = NaiveCriteria.TrendStop(values, 100, 2e-5);
        var threshold = Math.ScaleB(2e-5, exponent).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        var run = CliRun.Of(["replay", "-", "--criterion", "trend", "--window", "100", "--threshold", threshold, "--format", "json"], Traces.BareList(scaled));

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.NotNull(expected);
        Assert.Equal(expected, Nullable(json.RootElement.GetProperty("stopIndex"))?.GetInt64());
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("statistic").ValueKind);
    }

    [Fact]
    public void Replay_ConstantTrace_SaysWhyTheStatisticIsUndefined()
    {
        var json = CliRun.Of(["replay", "-", "--criterion", "dvar", "--window", "2", "--format", "json"], "1\n1\n1\n");
        var text = CliRun.Of(["replay", "-", "--criterion", "dvar", "--window", "2"], "1\n1\n1\n");

        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("statistic").ValueKind);
        Assert.Equal("constantHistory", document.RootElement.GetProperty("undefined").GetString());
        Assert.Contains("zero variance", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", text.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dvar", "--window", "2147483647", new string[0], "103.1 GB")]
    [InlineData("dvar", "--window", "10000001", new string[0], "at most 10000000")]
    [InlineData("hall", "--window", "2147483647", new[] { "--threshold", "0.1" }, "51.5 GB")]
    [InlineData("trend", "--window", "2147483647", new[] { "--threshold", "0.1" }, "137.4 GB")]
    [InlineData("ema", "--lag", "2147483647", new[] { "--threshold", "0.1" }, "17.2 GB")]
    public void Replay_SizeAboveItsBound_ExitsWithUsageCodeNamingTheOptionAndTheBound(string criterion, string option, string value, string[] others, string cost)
    {
        CliRun.Of(["replay", "-", "--criterion", criterion, option, value, .. others], "1\n")
            .AssertFails(ExitCodes.Usage, $"{option} must be at most 10000000; got {value}", "bytes per value", cost, $"--criterion {criterion}");
    }

    [Fact]
    public void Replay_PatienceAtItsLargestValue_Runs()
    {
        // --patience sizes no memory (a count), so any integer is accepted.
        var run = CliRun.Of(["replay", "-", "--criterion", "patience", "--patience", "2147483647"], "1\n0\n0\n");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no stop in 3 observations", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_QuotedCellWithComma_IsOneCell()
    {
        var run = CliRun.Of(["replay", "-", "--criterion", "fixed", "--steps", "2", "--format", "json"], "note,loss\n\"a, b\",0.5\n\"c \"\"d\"\", e\",0.25\n");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(2, json.RootElement.GetProperty("observations").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("stopIndex").GetInt64());
    }

    [Fact]
    public void Replay_QuotedValueWithComma_IsNotANumberRatherThanSplit()
    {
        CliRun.Of(["replay", "-", "--criterion", "dvar"], "step,loss\n1,\"1,3\"\n")
            .AssertFails(ExitCodes.InputData, "standard input line 2", "column 'loss' holds \"1,3\", which is not a number");
    }

    [Fact]
    public void Replay_BinaryFile_ExitsWithInputDataCodeNamingItWithoutItsBytes()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0x1B, (byte)'[', (byte)'2', (byte)'J'];
        using var folder = new TemporaryFolder();
        var path = folder.Combine("image.png");
        File.WriteAllBytes(path, png);

        var run = CliRun.Of(["replay", path, "--criterion", "dvar"]);

        run.AssertFails(ExitCodes.InputData, $"'{path}' does not look like text", "control character 0x1A");
        Assert.DoesNotContain("IHDR", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Error, c => char.IsControl(c) && c != '\n');
    }

    [Fact]
    public void Replay_StandardInputFails_ExitsWithInputDataCodeNamingIt()
    {
        using var input = new ThrowingReader();

        CliRun.Of(["replay", "-", "--criterion", "dvar"], input)
            .AssertFails(ExitCodes.InputData, "Cannot read standard input", "Input/output error");
    }

    private static JsonElement? Nullable(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element;
}
