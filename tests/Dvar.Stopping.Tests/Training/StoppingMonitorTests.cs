using Dvar.Stopping.Tests.Training.Support;
using Dvar.Stopping.Training;
using Dvar.Testing;
using FsCheck.Xunit;
using Microsoft.Extensions.Logging;

namespace Dvar.Stopping.Tests.Training;

public sealed partial class StoppingMonitorTests
{
    private const double Threshold = 0.8;

    [Fact]
    public void Ctor_NullCriterion_Throws()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new StoppingMonitor(null!));
        Assert.Equal("criterion", e.ParamName);
    }

    [Fact]
    public void Ctor_InvalidOptions_ThrowsNamingTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => new StoppingMonitor(new RatioToMeanCriterion(Threshold), new StoppingMonitorOptions { LogEvery = 0 }));
        Assert.Equal(nameof(StoppingMonitorOptions.LogEvery), e.ParamName);
    }

    [Fact]
    public void Ctor_NoOptions_UsesDefault()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        Assert.Same(StoppingMonitorOptions.Default, monitor.Options);
        Assert.False(monitor.ShouldStop);
        Assert.Null(monitor.LastDecision);
        Assert.Null(monitor.LastStep);
        Assert.Empty(monitor.History);
    }

    [Property]
    public void Observe_AnyLosses_DecisionsEqualFeedingTheCriterionDirectly_Meets_Specification(double[] losses, bool ignoreNonFinite)
    {
        var policy = ignoreNonFinite ? NonFinitePolicy.Ignore : NonFinitePolicy.Stop;
        var direct = new RatioToMeanCriterion(Threshold, policy);
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold, policy));

        for (var i = 0; i < losses.Length; i++)
        {
            Assert.Equal(direct.Observe(losses[i]), monitor.Observe(10 * i, null, losses[i]));
        }

        Assert.Equal(losses.Length, monitor.StepsObserved);
        Assert.Equal(direct.HasFired, monitor.ShouldStop);
    }

    [Property]
    public void Observe_AnyLosses_HistoryRecordsEveryStep_Meets_Specification(double[] losses)
    {
        var direct = new RatioToMeanCriterion(Threshold);
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        var expected = new List<MonitorRecord>();

        for (var i = 0; i < losses.Length; i++)
        {
            double? trainingLoss = i % 3 == 0 ? null : -losses[i];
            expected.Add(new MonitorRecord(i + 1, trainingLoss, losses[i], direct.Observe(losses[i])));
            monitor.Observe(i + 1, trainingLoss, losses[i]);
        }

        Assert.Equal(expected, monitor.History);
        Assert.Equal(expected.Count > 0 ? expected[^1].Decision : null, monitor.LastDecision);
    }

    [Property]
    public void Observe_AnyLosses_BestIsTheEarliestLowestFiniteLoss_Meets_Specification(double[] losses)
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore));
        for (var i = 0; i < losses.Length; i++)
        {
            monitor.Observe(i, null, losses[i]);
        }

        var finite = losses.Select((loss, step) => (loss, step)).Where(p => double.IsFinite(p.loss)).ToList();
        if (finite.Count == 0)
        {
            Assert.Null(monitor.BestDeterministicLoss);
            Assert.Null(monitor.BestStep);
            return;
        }

        var lowest = finite.Min(p => p.loss);
        Assert.Equal(lowest, monitor.BestDeterministicLoss);
        Assert.Equal(finite.First(p => p.loss == lowest).step, monitor.BestStep);
    }

    [Property]
    public void StopStep_AnyLosses_IsTheFirstStepThatSaidStop_Meets_Specification(double[] losses)
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        long? firstStop = null;
        for (var i = 0; i < losses.Length; i++)
        {
            if (monitor.Observe(2 * i, 1, losses[i]).ShouldStop)
            {
                firstStop ??= 2 * i;
            }

            Assert.Equal(firstStop, monitor.StopStep);
            Assert.Equal(firstStop is not null, monitor.ShouldStop);
        }
    }

    [Fact]
    public void Observe_TrainingLossNullOrNaN_RecordedAsGiven()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));

        monitor.Observe(1, null, 1.0);
        monitor.Observe(2, double.NaN, 1.0);
        monitor.Observe(3, double.NegativeInfinity, 1.0);

        Assert.Null(monitor.History[0].TrainingLoss);
        Assert.True(double.IsNaN(monitor.History[1].TrainingLoss!.Value));
        Assert.Equal(double.NegativeInfinity, monitor.History[2].TrainingLoss);
        Assert.False(monitor.ShouldStop);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(4)]
    public void Observe_StepNotGreaterThanPrevious_ThrowsAndRecordsNothing(long step)
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        monitor.Observe(5, null, 1.0);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Observe(step, null, 1.0));

        Assert.Equal("step", e.ParamName);
        Assert.Contains("previous step was 5", e.Message, StringComparison.Ordinal);
        Assert.Single(monitor.History);
        Assert.Equal(1, monitor.Criterion.Observations);
    }

    [Fact]
    public void Observe_NegativeStep_Throws()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Observe(-1, null, 1.0));

        Assert.Equal("step", e.ParamName);
        Assert.Equal(0, monitor.Criterion.Observations);
    }

    [Fact]
    public void Observe_NonFiniteLossWithThrowPolicy_ThrowsAndRecordsNothing()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold, NonFinitePolicy.Throw));
        monitor.Observe(1, null, 1.0);

        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Observe(2, null, double.NaN));

        Assert.Single(monitor.History);
        Assert.Equal(1, monitor.LastStep);
        monitor.Observe(2, null, 1.0);
        Assert.Equal(2, monitor.History.Count);
    }

    [Fact]
    public void Observe_NonFiniteLossWithStopPolicy_StopsAndRecordsTheLoss()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        monitor.Observe(1, null, 1.0);

        var decision = monitor.Observe(2, null, double.PositiveInfinity);

        Assert.Equal(StopReason.NonFiniteValue, decision.Reason);
        Assert.Equal(2, monitor.StopStep);
        Assert.Equal(double.PositiveInfinity, monitor.History[^1].DeterministicLoss);
        Assert.Equal(1, monitor.BestStep);
    }

    [Fact]
    public void Observe_Evaluator_FeedsItsLossAndPassesTheToken()
    {
        var evaluator = new FixedEvaluator(3.0, 2.0);
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        using var source = new CancellationTokenSource();

        monitor.Observe(1, 0.5, evaluator, source.Token);
        monitor.Observe(2, 0.4, evaluator, source.Token);

        Assert.Equal([3.0, 2.0], monitor.History.Select(r => r.DeterministicLoss));
        Assert.Equal([source.Token, source.Token], evaluator.Tokens);
    }

    [Fact]
    public void Observe_EvaluatorWithStaleStep_ThrowsBeforeEvaluating()
    {
        var evaluator = new FixedEvaluator(3.0, 2.0);
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        monitor.Observe(1, null, evaluator);

        Assert.Throws<ArgumentOutOfRangeException>(() => monitor.Observe(1, null, evaluator));

        Assert.Equal(1, evaluator.Calls);
    }

    [Fact]
    public void Observe_EvaluationCancelled_RecordsNothing()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.Throws<OperationCanceledException>(() => monitor.Observe(1, null, new FixedEvaluator(1.0), source.Token));

        Assert.Empty(monitor.History);
        Assert.Equal(0, monitor.Criterion.Observations);
    }

    [Fact]
    public void Observe_NullEvaluator_Throws()
    {
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        var e = Assert.Throws<ArgumentNullException>(() => monitor.Observe(1, null, (Dvar.Stopping.Evaluation.IDeterministicEvaluator)null!));
        Assert.Equal("evaluator", e.ParamName);
    }

    [Property]
    public void History_WithCapacity_KeepsTheMostRecentRecords_Meets_Specification(double[] losses, byte capacity)
    {
        var bounded = new StoppingMonitor(
            new RatioToMeanCriterion(Threshold), new StoppingMonitorOptions { HistoryCapacity = capacity + 1 });
        var unbounded = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        for (var i = 0; i < losses.Length; i++)
        {
            bounded.Observe(i, null, losses[i]);
            unbounded.Observe(i, null, losses[i]);
        }

        Assert.Equal(unbounded.History.TakeLast(capacity + 1), bounded.History);
        Assert.Equal(unbounded.StepsObserved, bounded.StepsObserved);
        Assert.Equal(unbounded.BestStep, bounded.BestStep);
    }

    [Fact]
    public void Observe_Stop_LogsTheStopOnceWithReasonAndStatistic()
    {
        var logger = new RecordingLogger();
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold), logger: logger);

        monitor.Observe(1, null, 1.0);
        monitor.Observe(2, null, 1.0);
        var stop = monitor.Observe(3, 0.3, 0.1);
        monitor.Observe(4, null, 0.1);

        var entry = Assert.Single(logger.Entries, e => e.EventId.Id == 1002);
        Assert.Equal("MonitorStop", entry.EventId.Name);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(3L, entry.Values["Step"]);
        Assert.Equal("ratioToMean", entry.Values["Criterion"]);
        Assert.Equal(StopReason.ThresholdReached, entry.Values["Reason"]);
        Assert.Equal(stop.Statistic, entry.Values["Statistic"]);
        Assert.Equal(Threshold, entry.Values["Threshold"]);
        Assert.Contains("ThresholdReached", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_LogEvery_LogsEveryNthStepAndEachNonFiniteLoss()
    {
        var logger = new RecordingLogger();
        var monitor = new StoppingMonitor(
            new RatioToMeanCriterion(Threshold, NonFinitePolicy.Ignore), new StoppingMonitorOptions { LogEvery = 3 }, logger);

        for (var step = 1; step <= 10; step++)
        {
            monitor.Observe(step, null, step == 5 ? double.NaN : 1.0);
        }

        Assert.Equal([3L, 6L, 9L], logger.Entries.Where(e => e.EventId.Id == 1001).Select(e => e.Values["Step"]));
        var warning = Assert.Single(logger.Entries, e => e.EventId.Id == 1003);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(5L, warning.Values["Step"]);
        Assert.Equal(StopReason.NonFiniteIgnored, warning.Values["Reason"]);
    }

    [Fact]
    public void Observe_Progress_ReportsEveryStepWithItsRecordAndBest()
    {
        var progress = new ListProgress<MonitorProgress>();
        var monitor = new StoppingMonitor(new RatioToMeanCriterion(Threshold), progress: progress);
        double[] losses = [3, 2, 4, 1, 5];

        for (var i = 0; i < losses.Length; i++)
        {
            monitor.Observe(i * 5, null, losses[i]);
        }

        Assert.Equal(monitor.History, progress.Reports.Select(r => r.Record));
        Assert.Equal([1L, 2, 3, 4, 5], progress.Reports.Select(r => r.StepsObserved));
        Assert.Equal([0L, 5, 5, 15, 15], progress.Reports.Select(r => r.BestStep!.Value));
        Assert.Equal([3.0, 2, 2, 1, 1], progress.Reports.Select(r => r.BestDeterministicLoss!.Value));
    }

    [Fact]
    public void Reset_AfterSteps_BehavesAsNew()
    {
        double[] losses = [1, 1, 0.1, 2];
        var fresh = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        var reused = new StoppingMonitor(new RatioToMeanCriterion(Threshold));
        for (var i = 0; i < losses.Length; i++)
        {
            reused.Observe(100 + i, null, losses[i]);
        }

        reused.Reset();
        Assert.Empty(reused.History);
        Assert.Null(reused.StopStep);
        Assert.Null(reused.BestStep);
        for (var i = 0; i < losses.Length; i++)
        {
            Assert.Equal(fresh.Observe(i, null, losses[i]), reused.Observe(i, null, losses[i]));
        }

        Assert.Equal(fresh.History, reused.History);
        Assert.Equal(fresh.StopStep, reused.StopStep);
    }
}
