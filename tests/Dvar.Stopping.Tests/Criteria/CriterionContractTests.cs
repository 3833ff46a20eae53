using Dvar.Stopping.Composition;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Criteria;

/// <summary>What every <see cref="IStoppingCriterion"/> promises (stickiness, reset, the non-finite policies), checked
/// on every kind of <see cref="CriterionCatalog"/>, compositions included.</summary>
public sealed class CriterionContractTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_AfterFiring_StaysStoppedWithTheSameReason_Meets_Specification(Trace trace, int kindSeed)
    {
        StopDecision[] decisions = Traces.Run(CriterionCatalog.Create(CriterionCatalog.KindAt(kindSeed)), trace.Values);
        int first = Array.FindIndex(decisions, d => d.ShouldStop);
        if (first < 0)
        {
            return;
        }

        Assert.All(decisions[first..], d => Assert.Equal((true, decisions[first].Reason, decisions[first].FiredBy), (d.ShouldStop, d.Reason, d.FiredBy)));
        Assert.All(decisions[..first], d => Assert.Equal((StopReason.None, (string?)null), (d.Reason, d.FiredBy)));
        Assert.NotNull(decisions[first].FiredBy);
    }

    /// <summary>The property above returns early when nothing fired; this checks that, on the traces it is given, the firing
    /// case is common for every kind, so the property's assertions run.</summary>
    [Theory]
    [MemberData(nameof(CriterionCatalog.Kinds), MemberType = typeof(CriterionCatalog))]
    public void Observe_GeneratedTraces_FireOftenEnoughForTheStickinessPropertyToBite(string kind)
    {
        // Measured: every kind fires on 44 % (allOf) to 97 % (anyOf) of these traces; a quarter is over 7 standard
        // deviations below the lowest.
        const int Traces = 400;
        const int Minimum = Traces / 4;
        var sample = TraceArbitraries.TraceGen(1, 4, 120).Sample(Traces, 50);

        int fired = sample.Count(trace => Dvar.Stopping.Tests.Reference.Traces.Run(CriterionCatalog.Create(kind), trace.Values).Any(d => d.ShouldStop));

        Assert.True(fired >= Minimum, $"{kind} fired on {fired} of {Traces} generated traces; the stickiness property needs at least {Minimum}.");
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Reset_AfterAnyTrace_BehavesAsNew_Meets_Specification(Trace trace, int kindSeed)
    {
        IStoppingCriterion criterion = CriterionCatalog.Create(CriterionCatalog.KindAt(kindSeed));
        StopDecision[] first = Traces.Run(criterion, trace.Values);
        criterion.Reset();

        Assert.Equal((0L, false), (criterion.Observations, criterion.HasFired));
        Assert.Equal(first, Traces.Run(criterion, trace.Values));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_AnyTrace_StatisticIsNullExactlyWhenAReasonIsGivenAndNeverNaN_Meets_Specification(Trace trace, int kindSeed, int gapSeed)
    {
        IStoppingCriterion criterion = CriterionCatalog.Create(CriterionCatalog.KindAt(kindSeed), NonFinitePolicy.Ignore);
        int gap = 2 + Math.Abs(gapSeed % 9);

        for (int i = 0; i < trace.Values.Length; i++)
        {
            StopDecision decision = criterion.Observe(i % gap == 1 ? double.NaN : trace.Values[i]);

            Assert.True(
                (decision.Statistic is null) == (decision.UndefinedReason != UndefinedReason.None),
                $"k = {decision.Observation}: statistic {decision.Statistic?.ToString("R") ?? "null"} with reason {decision.UndefinedReason}.");
            Assert.False(decision.Statistic is double s && double.IsNaN(s), $"k = {decision.Observation}: NaN statistic.");
        }
    }

    [Theory]
    [MemberData(nameof(CriterionCatalog.Kinds), MemberType = typeof(CriterionCatalog))]
    public void Observe_NonFiniteUnderStopPolicy_StopsAtOnceAndStaysStopped(string kind)
    {
        IStoppingCriterion criterion = CriterionCatalog.Create(kind, NonFinitePolicy.Stop);
        criterion.Observe(1.0);
        criterion.Observe(2.0);

        StopDecision decision = criterion.Observe(double.NaN);
        StopDecision after = criterion.Observe(3.0);

        Assert.Equal((true, StopReason.NonFiniteValue, 2L), (decision.ShouldStop, decision.Reason, decision.Observation));
        Assert.NotNull(decision.FiredBy);
        Assert.Equal((true, StopReason.NonFiniteValue, 3L), (after.ShouldStop, after.Reason, after.Observation));
        Assert.True(criterion.HasFired);
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_NonFiniteUnderIgnorePolicy_NeverEntersTheHistory_Meets_Specification(Trace trace, int kindSeed, int gapSeed)
    {
        string kind = CriterionCatalog.KindAt(kindSeed);
        StopDecision[] clean = Traces.Run(CriterionCatalog.Create(kind, NonFinitePolicy.Ignore), trace.Values);
        IStoppingCriterion criterion = CriterionCatalog.Create(kind, NonFinitePolicy.Ignore);
        double[] nonFinite = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        int gap = 1 + Math.Abs(gapSeed % 7);

        for (int i = 0; i < trace.Values.Length; i++)
        {
            if (i % gap == 0)
            {
                StopDecision ignored = criterion.Observe(nonFinite[i % 3]);
                Assert.Equal((long)i, ignored.Observation);
                Assert.Equal(i > 0 && clean[i - 1].ShouldStop, ignored.ShouldStop);
                Assert.Equal(ignored.ShouldStop ? clean[i - 1].Reason : StopReason.NonFiniteIgnored, ignored.Reason);
            }

            Assert.Equal(clean[i], criterion.Observe(trace.Values[i]));
        }
    }

    [Theory]
    [MemberData(nameof(CriterionCatalog.Kinds), MemberType = typeof(CriterionCatalog))]
    public void Observe_NonFiniteUnderThrowPolicy_ThrowsNamingValueAndChangesNothing(string kind)
    {
        double[] values = [.. Traces.Normal(80, seed: 8)];
        StopDecision[] clean = Traces.Run(CriterionCatalog.Create(kind, NonFinitePolicy.Throw), values);
        IStoppingCriterion criterion = CriterionCatalog.Create(kind, NonFinitePolicy.Throw);
        var decisions = new List<StopDecision>();

        foreach (double value in values)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => criterion.Observe(double.NaN));
            Assert.Equal("value", ex.ParamName);
            decisions.Add(criterion.Observe(value));
        }

        Assert.Equal(clean, decisions);
    }

    [Theory]
    [MemberData(nameof(CriterionCatalog.Kinds), MemberType = typeof(CriterionCatalog))]
    public void Observe_LongTrace_AllocatesNothingPerValue(string kind)
    {
        // Composites may allocate once, when they fire (the names that fired); leaves never allocate after construction.
        // One-off runtime work on this thread (tiered JIT, type loading on a loaded machine) can show up in a single pass,
        // so take the least of three passes: an allocation per value would appear in every pass, 20,000 times over.
        double[] values = Traces.Normal(20_000, seed: 6);
        IStoppingCriterion criterion = CriterionCatalog.Create(kind);
        Traces.Run(criterion, values);

        long allocated = long.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            criterion.Reset();
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (double value in values)
            {
                criterion.Observe(value);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated <= (criterion is AnyOfCriterion or AllOfCriterion ? 512 : 0), $"{kind} allocated {allocated} bytes over {values.Length} values.");
    }
}
