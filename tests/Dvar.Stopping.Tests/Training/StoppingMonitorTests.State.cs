using System.Text.Json.Nodes;
using Dvar.Stopping.Tests.Training.Support;
using Dvar.Stopping.Training;
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
