using Dvar.Stopping.Composition;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;

namespace Dvar.Stopping.Tests.Criteria;

/// <summary>Where the specification leaves a statistic undefined, the decision says why (and never fires), instead of
/// reporting NaN.</summary>
public sealed class UndefinedStatisticTests
{
    [Fact]
    public void Dvar_FewerValuesThanTheWindow_TooFewValues()
    {
        StopDecision[] decisions = Traces.Run(new DvarCriterion(new DvarOptions { Window = 3, Threshold = 0.5 }), [1, 2, 4]);

        Assert.All(decisions[..2], d => Assert.Equal(((double?)null, UndefinedReason.TooFewValues), (d.Statistic, d.UndefinedReason)));
        Assert.Equal((1.0, UndefinedReason.None), (decisions[2].Statistic, decisions[2].UndefinedReason));
    }

    [Fact]
    public void Dvar_ConstantHistory_ConstantHistoryUntilAValueDiffers()
    {
        // [3,3,3,4], N = 2: Var(all) = 0 up to k = 3; at k = 4 Var{3,4} = 1/4, Var(all) = 3/16: ratio 4/3.
        StopDecision[] decisions = Traces.Run(new DvarCriterion(new DvarOptions { Window = 2, Threshold = 0.5 }), [3, 3, 3, 4]);

        Assert.Equal(
            [UndefinedReason.TooFewValues, UndefinedReason.ConstantHistory, UndefinedReason.ConstantHistory, UndefinedReason.None],
            decisions.Select(d => d.UndefinedReason));
        Assert.Equal(4.0 / 3, decisions[3].Statistic!.Value, 1e-15);
        Assert.DoesNotContain(decisions, d => d.ShouldStop);
    }

    [Fact]
    public void Ema_LaggedEmaZero_ZeroReference()
    {
        // n = 2: k ≤ 2 too few; EMA_1..3 = 0, so at k = 3 and k = 4 EMA_{k−2} = 0; at k = 5 EMA_3 = 0 again (EMA_4 = 0.1).
        StopDecision[] decisions = Traces.Run(new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 2, Threshold = 0.5 }), [0, 0, 0, 1, 1, 1]);

        Assert.Equal(
            [UndefinedReason.TooFewValues, UndefinedReason.TooFewValues, UndefinedReason.ZeroReference, UndefinedReason.ZeroReference,
                UndefinedReason.ZeroReference, UndefinedReason.None],
            decisions.Select(d => d.UndefinedReason));
        Assert.All(decisions[..5], d => Assert.Null(d.Statistic));
    }

    [Theory]
    [InlineData(-1.0, -2.0)]
    [InlineData(0.0, -2.0)]
    [InlineData(0.0, 0.0)]
    public void Hall_WindowMaximumNotAboveZero_NonPositiveMaximum(double first, double second)
    {
        StopDecision decision = Traces.Run(new HallCriterion(new HallOptions { Window = 2, Threshold = 0.5 }), [first, second])[^1];

        Assert.Equal(((double?)null, UndefinedReason.NonPositiveMaximum, false), (decision.Statistic, decision.UndefinedReason, decision.ShouldStop));
    }

    [Fact]
    public void Trend_FewerValuesThanTheWindow_TooFewValues()
    {
        StopDecision decision = Traces.Run(new TrendCriterion(new TrendOptions { Window = 3, Threshold = 0.5 }), [1, 2])[^1];

        Assert.Equal(((double?)null, UndefinedReason.TooFewValues), (decision.Statistic, decision.UndefinedReason));
    }

    [Theory]
    [InlineData(NonFinitePolicy.Stop)]
    [InlineData(NonFinitePolicy.Ignore)]
    public void AnyCriterion_NonFiniteValue_NonFiniteValue(NonFinitePolicy policy)
    {
        foreach (string kind in CriterionCatalog.Factories.Keys)
        {
            StopDecision decision = Traces.Run(CriterionCatalog.Create(kind, policy), [1, 2, double.NaN])[^1];

            Assert.Equal(((double?)null, UndefinedReason.NonFiniteValue), (decision.Statistic, decision.UndefinedReason));
        }
    }

    [Fact]
    public void Composite_ReportsItsRepresentativeChildsReason()
    {
        var criterion = new AnyOfCriterion(
            new DvarCriterion(new DvarOptions { Window = 3, Threshold = 0.5 }),
            new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 10 }));

        StopDecision decision = criterion.Observe(1);

        Assert.Equal(((double?)null, UndefinedReason.TooFewValues), (decision.Statistic, decision.UndefinedReason));
    }
}
