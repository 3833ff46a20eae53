using System.Text.Json;
using Dvar.Cli.Replay;
using Dvar.Cli.Tests.Support;

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

    private static JsonElement? Nullable(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element;
}
