using System.Text.Json;
using Dvar.Cli.Output;
using Dvar.Cli.Replay;
using Dvar.Stopping;

namespace Dvar.Cli.Tests.Output;

public sealed class ReplayResultFormatterTests
{
    [Fact]
    public void Write_Json_IsOneObjectWithTheDocumentedKeys()
    {
        var result = new ReplayResult("dvar", 1000, 812, new StopDecision(true, 812, 0.1234567890123, 0.15, StopReason.ThresholdReached, "dvar"));

        using var json = JsonDocument.Parse(Format(result, OutputFormat.Json));

        var root = json.RootElement;
        Assert.Equal(["criterion", "observations", "stopped", "stopIndex", "statistic", "reason", "undefined"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("dvar", root.GetProperty("criterion").GetString());
        Assert.Equal(1000, root.GetProperty("observations").GetInt64());
        Assert.True(root.GetProperty("stopped").GetBoolean());
        Assert.Equal(812, root.GetProperty("stopIndex").GetInt64());
        Assert.Equal(0.1234567890123, root.GetProperty("statistic").GetDouble());
        Assert.Equal("thresholdReached", root.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("undefined").ValueKind);
    }

    [Fact]
    public void Write_JsonNotStoppedUndefinedStatistic_WritesNulls()
    {
        var result = new ReplayResult("hall", 3, null, new StopDecision(false, 3, null, 0.1, StopReason.None));

        using var json = JsonDocument.Parse(Format(result, OutputFormat.Json));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("stopIndex").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("statistic").ValueKind);
        Assert.False(json.RootElement.GetProperty("stopped").GetBoolean());
        Assert.Equal("none", json.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void Write_JsonNonFiniteStatistic_WritesItAsAString()
    {
        var result = new ReplayResult("ema", 3, 3, new StopDecision(true, 3, double.PositiveInfinity, 0.1, StopReason.ThresholdReached));

        using var json = JsonDocument.Parse(Format(result, OutputFormat.Json));

        Assert.Equal("Infinity", json.RootElement.GetProperty("statistic").GetString());
    }

    [Theory]
    [InlineData(UndefinedReason.TooFewValues, "tooFewValues", "too few values")]
    [InlineData(UndefinedReason.ConstantHistory, "constantHistory", "zero variance")]
    [InlineData(UndefinedReason.ZeroReference, "zeroReference", "the lagged EMA is 0")]
    [InlineData(UndefinedReason.NonPositiveMaximum, "nonPositiveMaximum", "maximum is not above 0")]
    [InlineData(UndefinedReason.NonFiniteValue, "nonFiniteValue", "non-finite")]
    public void Write_UndefinedStatistic_SaysWhyInJsonAndText(UndefinedReason why, string name, string words)
    {
        var result = new ReplayResult("dvar", 3, null, new StopDecision(false, 3, null, 0.15, StopReason.None) { UndefinedReason = why });

        using var json = JsonDocument.Parse(Format(result, OutputFormat.Json));
        var text = Format(result, OutputFormat.Text);

        Assert.Equal(name, json.RootElement.GetProperty("undefined").GetString());
        Assert.Contains("last statistic undefined (", text, StringComparison.Ordinal);
        Assert.Contains(words, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StopReason.None, "none")]
    [InlineData(StopReason.ThresholdReached, "thresholdReached")]
    [InlineData(StopReason.BudgetExhausted, "budgetExhausted")]
    [InlineData(StopReason.PatienceExhausted, "patienceExhausted")]
    [InlineData(StopReason.NonFiniteValue, "nonFiniteValue")]
    [InlineData(StopReason.NonFiniteIgnored, "nonFiniteIgnored")]
    public void ReasonName_EveryReason_IsTheDocumentedCamelCaseName(StopReason reason, string name)
    {
        Assert.Equal(name, ReplayResultFormatter.ReasonName(reason));
    }

    [Fact]
    public void Write_Text_IsOneLineNamingTheStop()
    {
        var result = new ReplayResult("dvar", 1000, 812, new StopDecision(true, 812, 0.125, 0.15, StopReason.ThresholdReached, "dvar"));

        var text = Format(result, OutputFormat.Text);

        Assert.Single(text.TrimEnd('\n').Split('\n'));
        Assert.Contains("stop at observation 812 of 1000", text, StringComparison.Ordinal);
        Assert.Contains("statistic 0.125", text, StringComparison.Ordinal);
        Assert.Contains("threshold 0.15", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TextNotStopped_SaysNoStop()
    {
        var result = new ReplayResult("fixed", 5, null, new StopDecision(false, 5, null, 10, StopReason.None));

        Assert.Contains("no stop in 5 observations", Format(result, OutputFormat.Text), StringComparison.Ordinal);
    }

    private static string Format(ReplayResult result, OutputFormat format)
    {
        using var writer = new StringWriter();
        ReplayResultFormatter.Write(writer, result, format);
        return writer.ToString();
    }
}
