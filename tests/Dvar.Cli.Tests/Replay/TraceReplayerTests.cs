using Dvar.Cli.Replay;
using Dvar.Cli.Tests.Support;
using Dvar.Stopping;
using Dvar.Stopping.Criteria;

namespace Dvar.Cli.Tests.Replay;

public sealed class TraceReplayerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Replay_SettlingTrace_StopsWhereDirectFeedingFirstStops(int seed)
    {
        var values = Traces.Settling(2000, seed);
        var direct = new DvarCriterion(new DvarOptions { Window = 100, Threshold = 0.15 });
        var decisions = values.Select(direct.Observe).ToList();
        var firstStop = decisions.FindIndex(d => d.ShouldStop);
        Assert.True(firstStop >= 0, "the settling trace must make DVAR stop");

        var result = TraceReplayer.Replay(new DvarCriterion(new DvarOptions { Window = 100, Threshold = 0.15 }), values);

        Assert.Equal(firstStop + 1, result.StopIndex);
        Assert.Equal(decisions[firstStop], result.Decision);
        Assert.Equal(values.Length, result.Observations);
        Assert.True(result.Stopped);
    }

    [Fact]
    public void Replay_NoStop_ReportsTheLastDecision()
    {
        var values = Traces.Settling(50, seed: 1);
        var direct = new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 51 });
        var last = values.Select(direct.Observe).ToList()[^1];

        var result = TraceReplayer.Replay(new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 51 }), values);

        Assert.Null(result.StopIndex);
        Assert.False(result.Stopped);
        Assert.Equal(last, result.Decision);
        Assert.Equal(50, result.Observations);
    }

    [Fact]
    public void Replay_NonFiniteValue_StopsThereWithItsReason()
    {
        double[] values = [1, 2, double.NaN, 3];

        var result = TraceReplayer.Replay(new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 100 }), values);

        Assert.Equal(3, result.StopIndex);
        Assert.Equal(StopReason.NonFiniteValue, result.Decision.Reason);
        Assert.Equal(4, result.Observations);
    }

    [Fact]
    public void Replay_NoValues_Throws()
    {
        Assert.Throws<ArgumentException>(() => TraceReplayer.Replay(new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 1 }), []));
    }
}
