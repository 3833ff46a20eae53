using System.Text.Json.Nodes;
using Dvar.Stopping.Tests.Training.Support;
using Dvar.Stopping.Training;
using Dvar.Testing;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Training;

public sealed partial class StoppingMonitorTests
{
    [Property]
    public void RestoreState_AtAnyCut_ContinuesAsUninterrupted_Meets_Specification(double[] losses, byte cutSeed, bool throughText)
    {
        var cut = losses.Length == 0 ? 0 : cutSeed % (losses.Length + 1);
        var uninterrupted = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        var first = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        for (var i = 0; i < cut; i++)
        {
            first.Observe(i, -i, losses[i]);
        }

        var state = first.SaveState();
        if (throughText)
        {
            state = JsonNode.Parse(state.ToJsonString())!.AsObject();
        }

        var resumed = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        resumed.RestoreState(state);
        for (var i = 0; i < losses.Length; i++)
        {
            var expected = uninterrupted.Observe(i, -i, losses[i]);
            if (i >= cut)
            {
                Assert.Equal(expected, resumed.Observe(i, -i, losses[i]));
            }
        }

        AssertSameMonitorState(uninterrupted, resumed);
    }

    [Fact]
    public void RestoreStateFile_SavedMidRun_ContinuesAsUninterrupted()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "monitor.json");
        double[] losses = [5, 4, double.NaN, 3, 2.5, 2.4, 0.5, 0.4, 2];
        var uninterrupted = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        var first = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        for (var i = 0; i < 4; i++)
        {
            first.Observe(i, i % 2 == 0 ? null : double.NaN, losses[i]);
        }

        first.SaveStateFile(path);
        var resumed = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        resumed.RestoreStateFile(path);
        for (var i = 0; i < losses.Length; i++)
        {
            uninterrupted.Observe(i, i % 2 == 0 ? null : double.NaN, losses[i]);
            if (i >= 4)
            {
                resumed.Observe(i, i % 2 == 0 ? null : double.NaN, losses[i]);
            }
        }

        AssertSameMonitorState(uninterrupted, resumed);
        Assert.Equal(["monitor.json"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void RestoreState_DecisionsWithUndefinedStatistics_KeepTheirReasons()
    {
        var first = new StoppingMonitor(new Dvar.Stopping.Criteria.DvarCriterion(new Dvar.Stopping.Criteria.DvarOptions { Window = 2, Threshold = 0.5 }));
        foreach (var (step, loss) in new[] { (1L, 3.0), (2L, 3.0), (3L, 4.0) })
        {
            first.Observe(step, null, loss);
        }

        var state = JsonNode.Parse(first.SaveState().ToJsonString())!.AsObject();
        var resumed = new StoppingMonitor(new Dvar.Stopping.Criteria.DvarCriterion(new Dvar.Stopping.Criteria.DvarOptions { Window = 2, Threshold = 0.5 }));
        resumed.RestoreState(state);

        Assert.Equal("TooFewValues", (string?)state["history"]![0]!["decision"]!["undefinedReason"]);
        Assert.Equal("ConstantHistory", (string?)state["history"]![1]!["decision"]!["undefinedReason"]);
        Assert.Null(state["history"]![2]!["decision"]!["undefinedReason"]);
        Assert.Equal(
            [UndefinedReason.TooFewValues, UndefinedReason.ConstantHistory, UndefinedReason.None],
            resumed.History.Select(r => r.Decision.UndefinedReason));
        Assert.Equal(first.History, resumed.History);
    }

    [Fact]
    public void RestoreState_DecisionWithoutUndefinedReason_ReadsNone()
    {
        var first = new StoppingMonitor(new Dvar.Stopping.Criteria.DvarCriterion(new Dvar.Stopping.Criteria.DvarOptions { Window = 2, Threshold = 0.5 }));
        first.Observe(1, null, 3);
        var state = first.SaveState();
        state["history"]![0]!["decision"]!.AsObject().Remove("undefinedReason");
        state["lastDecision"]!.AsObject().Remove("undefinedReason");
        var resumed = new StoppingMonitor(new Dvar.Stopping.Criteria.DvarCriterion(new Dvar.Stopping.Criteria.DvarOptions { Window = 2, Threshold = 0.5 }));

        resumed.RestoreState(state);

        Assert.Equal(UndefinedReason.None, resumed.History[0].Decision.UndefinedReason);
        Assert.Equal(UndefinedReason.None, resumed.LastDecision!.Value.UndefinedReason);
    }

    [Fact]
    public void RestoreState_StepAfterRestore_MustExceedTheSavedLastStep()
    {
        var first = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        first.Observe(7, null, 1);
        var resumed = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        resumed.RestoreState(first.SaveState());

        Assert.Throws<ArgumentOutOfRangeException>(() => resumed.Observe(7, null, 1));
    }

    [Theory]
    [InlineData("format", "\"dvar-stopping/criterion-state\"")]
    [InlineData("version", "2")]
    [InlineData("historyCapacity", "10")]
    [InlineData("stepsObserved", "-1")]
    [InlineData("lastStep", "99")]
    [InlineData("bestDeterministicLoss", "\"NaN\"")]
    [InlineData("history", "{}")]
    [InlineData("stopStep", "\"soon\"")]
    public void RestoreState_InvalidField_ThrowsNamingItAndKeepsTheMonitor(string field, string json)
    {
        var saved = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        saved.Observe(1, null, 2);
        saved.Observe(2, null, 1);
        var state = saved.SaveState();
        state[field] = JsonNode.Parse(json);
        var target = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        target.Observe(5, null, 3);

        var e = Assert.Throws<FormatException>(() => target.RestoreState(state));

        Assert.StartsWith($"{field}: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, target.LastStep);
        Assert.Single(target.History);
        Assert.Equal(1, target.Criterion.Observations);
    }

    [Fact]
    public void RestoreState_InvalidHistoryRecord_ThrowsNamingItsPath()
    {
        var saved = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        saved.Observe(1, null, 2);
        saved.Observe(2, null, 1);
        var state = saved.SaveState();
        state["history"]![1]!["decision"]!["reason"] = "Bored";

        var e = Assert.Throws<FormatException>(() => new StoppingMonitor(new RatioToMeanCriterion(Threshold)).RestoreState(state));

        Assert.StartsWith("history[1].decision.reason: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("ThresholdReached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreStateFile_NotJson_ThrowsNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "broken.json");
        File.WriteAllText(path, "{ not json");

        var e = Assert.Throws<FormatException>(() => new StoppingMonitor(new RatioToMeanCriterion(Threshold)).RestoreStateFile(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveState_Document_HasFormatVersionAndCriterionState()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        monitor.Observe(1, null, 2);

        var state = monitor.SaveState();

        Assert.Equal(StoppingMonitor.StateFormat, (string?)state["format"]);
        Assert.Equal(StoppingMonitor.StateVersion, (int?)state["version"]);
        Assert.Equal(monitor.Criterion.SaveState().ToJsonString(), state["criterion"]!.ToJsonString());
    }

    private static void AssertSameMonitorState(StoppingMonitor expected, StoppingMonitor actual)
    {
        Assert.Equal(expected.History, actual.History);
        Assert.Equal(expected.StepsObserved, actual.StepsObserved);
        Assert.Equal(expected.LastStep, actual.LastStep);
        Assert.Equal(expected.LastDecision, actual.LastDecision);
        Assert.Equal(expected.StopStep, actual.StopStep);
        Assert.Equal(expected.BestStep, actual.BestStep);
        Assert.Equal(expected.BestDeterministicLoss, actual.BestDeterministicLoss);
        Assert.Equal(expected.SaveState().ToJsonString(), actual.SaveState().ToJsonString());
    }
}
