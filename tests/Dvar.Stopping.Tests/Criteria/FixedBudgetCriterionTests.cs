using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;

namespace Dvar.Stopping.Tests.Criteria;

public sealed class FixedBudgetCriterionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(500)]
    public void Observe_Budget_StopsExactlyAtBudget(long budget)
    {
        var criterion = new FixedBudgetCriterion(new FixedBudgetOptions { Budget = budget });

        StopDecision[] decisions = Traces.Run(criterion, Traces.Normal(600, seed: 1));

        Assert.Equal(budget, Traces.FirstStop(decisions));
        Assert.Equal(
            new StopDecision(true, budget, budget, budget, StopReason.BudgetExhausted, "fixed"),
            decisions[budget - 1]);
    }

    [Fact]
    public void Observe_IgnoredNonFiniteValues_DoNotUseTheBudget()
    {
        var criterion = new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 2, NonFinite = NonFinitePolicy.Ignore });

        StopDecision[] decisions = Traces.Run(criterion, [1, double.NaN, double.NaN, 2]);

        Assert.Equal([false, false, false, true], decisions.Select(d => d.ShouldStop));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Ctor_BudgetBelowOne_ThrowsNamingBudget(long budget)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = budget }));

        Assert.Equal("Budget", ex.ParamName);
        Assert.Contains($"at least 1; got {budget}", ex.Message, StringComparison.Ordinal);
    }
}
