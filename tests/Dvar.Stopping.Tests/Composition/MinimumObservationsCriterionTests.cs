using Dvar.Stopping.Composition;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Composition;

public sealed class MinimumObservationsCriterionTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_AnyInner_FiresAtTheLaterOfMinimumAndInnerFire_Meets_Specification(Trace trace, int childSeed, ushort minimumSeed)
    {
        Func<IStoppingCriterion> make = CompositionCases.Child(childSeed);
        long minimum = 1 + (minimumSeed % 400);
        long? inner = CompositionCases.FireIndex(make, trace.Values);
        long? expected = inner is null || Math.Max(inner.Value, minimum) > trace.Values.Length ? null : Math.Max(inner.Value, minimum);

        StopDecision[] decisions = Traces.Run(new MinimumObservationsCriterion(make(), minimum), trace.Values);

        Assert.Equal(expected, Traces.FirstStop(decisions));
        Assert.Equal(Traces.Run(make(), trace.Values).Select(d => d.Statistic), decisions.Select(d => d.Statistic));
    }

    [Fact]
    public void Observe_InnerFiredEarlier_FiresAtMinimumWithInnersReason()
    {
        var criterion = new MinimumObservationsCriterion(new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 2 }), 4);

        StopDecision[] decisions = Traces.Run(criterion, [1, 2, 3, 4, 5]);

        Assert.Equal([false, false, false, true, true], decisions.Select(d => d.ShouldStop));
        Assert.Equal(new StopDecision(true, 4, 4, 2, StopReason.BudgetExhausted, "fixed"), decisions[3]);
        Assert.Equal(StopReason.None, decisions[2].Reason);
    }

    [Fact]
    public void Observe_NonFiniteBeforeMinimum_StopsAtOnce()
    {
        var criterion = new MinimumObservationsCriterion(new DvarCriterion(new DvarOptions()), 1000);
        criterion.Observe(1);

        StopDecision decision = criterion.Observe(double.NaN);

        Assert.Equal((true, StopReason.NonFiniteValue, "dvar"), (decision.ShouldStop, decision.Reason, decision.FiredBy));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Ctor_MinimumBelowOne_ThrowsNamingMinimumObservations(long minimum)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MinimumObservationsCriterion(new RecordingCriterion("a", 1), minimum));

        Assert.Equal("minimumObservations", ex.ParamName);
    }

    [Fact]
    public void Ctor_NullInner_ThrowsNamingInner() =>
        Assert.Equal("inner", Assert.Throws<ArgumentNullException>(() => new MinimumObservationsCriterion(null!, 3)).ParamName);
}
