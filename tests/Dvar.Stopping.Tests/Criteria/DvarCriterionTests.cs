using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Criteria;

public sealed class DvarCriterionTests
{
    // Hand-worked from the spec (population variances):
    // [0,2,2], N=2: k=2 ratio 1; k=3 window {2,2} var 0 / all var 8/9 -> 0 < α: stop at k = 3 = N+1 (the earliest).
    // [0,2,1], N=2, α=0.5: k=3 window var 1/4, all var 2/3 -> 0.375 < 0.5: stop at 3.
    // [0,2,1,1], N=2, α=0.3: k=3 0.375 >= 0.3; k=4 window {1,1} var 0: stop at 4.
    // [5,5,5,6], N=2: k=4 window var 1/4, all var 3/16 -> 4/3: never.
    // [0,1], N=2: k=2 ratio exactly 1: never, whatever α < 1.
    public static TheoryData<double[], int, double, long?> HandWorked => new()
    {
        { [0, 2, 2], 2, 0.15, 3 },
        { [0, 2, 1], 2, 0.5, 3 },
        { [0, 2, 1, 1], 2, 0.3, 4 },
        { [5, 5, 5, 6], 2, 0.99, null },
        { [0, 1], 2, 0.99, null },
        { [3, 3, 3, 3, 3, 3, 3, 3], 3, 0.99, null },
    };

    [Theory]
    [MemberData(nameof(HandWorked))]
    public void Observe_HandWorkedTrace_StopsWhereTheSpecSays(double[] trace, int window, double alpha, long? expectedStop)
    {
        var criterion = new DvarCriterion(new DvarOptions { Window = window, Threshold = alpha });

        Assert.Equal(expectedStop, Traces.FirstStop(Traces.Run(criterion, trace)));
    }

    [Fact]
    public void Observe_HistoryShorterThanWindow_StatisticNullAndAtWindowExactlyOne()
    {
        var criterion = new DvarCriterion(new DvarOptions { Window = 4, Threshold = 0.5 });

        StopDecision[] decisions = Traces.Run(criterion, [1.5, -2, 7.25, 0.125]);

        Assert.All(decisions[..3], d => Assert.Null(d.Statistic));
        Assert.Equal(1.0, decisions[3].Statistic);
    }

    [Fact]
    public void Observe_ConstantTrace_NeverFiresAndStatisticStaysNull()
    {
        var criterion = new DvarCriterion(new DvarOptions { Window = 5, Threshold = 0.99 });

        StopDecision[] decisions = Traces.Run(criterion, Enumerable.Repeat(0.1, 1000));

        Assert.All(decisions, d => Assert.Equal((false, (double?)null), (d.ShouldStop, d.Statistic)));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_GeneratedTrace_MatchesReference(Trace trace, byte windowSeed, byte alphaSeed)
    {
        int window = 2 + (windowSeed % 60);
        double alpha = ((alphaSeed % 99) + 1) / 100.0;
        var criterion = new DvarCriterion(new DvarOptions { Window = window, Threshold = alpha });

        ReferenceAssert.Matches(criterion, trace.Values, DvarReference.Run(trace.Values, window, alpha), alpha);
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_ConstantRunsOfAnyLength_NeverFire_Meets_Specification(byte levelSeed, byte lengthSeed)
    {
        double level = Math.Pow(10, (levelSeed % 25) - 12) * (levelSeed % 2 == 0 ? 1 : -1);
        var criterion = new DvarCriterion(new DvarOptions { Window = 2 + (lengthSeed % 7), Threshold = 0.99 });

        Assert.DoesNotContain(Traces.Run(criterion, Enumerable.Repeat(level, 50 + lengthSeed)), d => d.ShouldStop);
    }

    [Property(Arbitrary = [typeof(DyadicTraceArbitraries)])]
    public void Observe_PositivelyScaledTrace_SameDecisions_Meets_Specification(Trace trace, byte windowSeed, int scaleSeed)
    {
        var options = new DvarOptions { Window = 2 + (windowSeed % 40), Threshold = 0.3 };
        double scale = Math.Pow(10, (Math.Abs(scaleSeed % 1000) / 100.0) - 5);
        StopDecision[] original = Traces.Run(new DvarCriterion(options), trace.Values);

        ReferenceStep[] expected = [.. original.Select(d => new ReferenceStep(d.Statistic, d.Statistic < 0.3, 0, d.UndefinedReason))];
        ReferenceAssert.Matches(new DvarCriterion(options), [.. trace.Values.Select(v => v * scale)], expected, 0.3);
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_PowerOfTwoScaledTrace_IdenticalDecisions_Meets_Specification(Trace trace, byte windowSeed, sbyte exponent)
    {
        var options = new DvarOptions { Window = 2 + (windowSeed % 40), Threshold = 0.3 };
        double scale = Math.ScaleB(1, exponent % 40);

        Assert.Equal(
            Traces.Run(new DvarCriterion(options), trace.Values),
            Traces.Run(new DvarCriterion(options), trace.Values.Select(v => v * scale)));
    }

    [Property(Arbitrary = [typeof(DyadicTraceArbitraries)])]
    public void Observe_TranslatedOrNegatedTrace_IdenticalDecisions_Meets_Specification(Trace trace, int shift, byte windowSeed)
    {
        var options = new DvarOptions { Window = 2 + (windowSeed % 40), Threshold = 0.3 };
        double constant = shift % 1_000_000;
        StopDecision[] original = Traces.Run(new DvarCriterion(options), trace.Values);

        Assert.Equal(original, Traces.Run(new DvarCriterion(options), trace.Values.Select(v => v + constant)));
        Assert.Equal(original, Traces.Run(new DvarCriterion(options), trace.Values.Select(v => -v)));
    }

    [Theory]
    [InlineData(310, 0.15, 1_000)]
    [InlineData(440, 0.4, 1_000)]
    [InlineData(180, 0.15, 6_000)]
    public void Observe_OffsetOneMillionQuietTail_MatchesReferenceAtEveryStep(int window, double alpha, int loud)
    {
        double[] trace = Traces.OffsetWithQuietTail(loud + 4_000, loud, seed: 11);
        var criterion = new DvarCriterion(new DvarOptions { Window = window, Threshold = alpha });

        int compared = ReferenceAssert.Matches(criterion, trace, DvarReference.Run(trace, window, alpha), alpha);

        Assert.Equal(trace.Length, compared);
    }

    [Theory]
    [InlineData(1e6, 1e-6)]
    [InlineData(0, 1e-9)]
    [InlineData(-3, 1e-7)]
    public void Observe_DecayToPlateauAtHardScales_StopsWhereReferenceStops(double offset, double unit)
    {
        double[] trace = Traces.Decay(3_000, offset, unit, timescale: 150, noise: 0.01, seed: 5);
        ReferenceStep[] reference = DvarReference.Run(trace, 310, 0.15);
        var criterion = new DvarCriterion(DvarOptions.TextualInversion);

        int compared = ReferenceAssert.Matches(criterion, trace, reference, 0.15);

        Assert.NotNull(ReferenceAssert.FirstCrossing(reference));
        Assert.True(compared > ReferenceAssert.FirstCrossing(reference), $"compared {compared} steps, which end before the stop");
    }

    [Fact]
    public void Observe_TwoHundredThousandValues_StatisticMatchesReferenceAtSampledSteps()
    {
        const int Window = 310;
        double[] trace = Traces.OffsetWithQuietTail(200_000, 1_000, seed: 3);
        var criterion = new DvarCriterion(new DvarOptions { Window = Window, Threshold = 0.15 });

        for (int k = 1; k <= trace.Length; k++)
        {
            StopDecision decision = criterion.Observe(trace[k - 1]);
            if (k % 9_973 == 0 || k == trace.Length)
            {
                double running = TwoPass.PopulationVariance(trace.AsSpan(k - Window, Window));
                double total = TwoPass.PopulationVariance(trace.AsSpan(0, k));
                ReferenceAssert.AssertClose(new ReferenceStep(running / total, false), decision.Statistic, k);
            }
        }
    }

    [Fact]
    public void Observe_IgnoredNaNBeforeTheWindow_LeavesNoTrace()
    {
        // MathNet's MovingStatistics keeps a stale M2 after a NaN (style-examples §2.3: 6667.33 instead of 0.667 for {4,5,6}).
        var criterion = new DvarCriterion(new DvarOptions { Window = 3, Threshold = 0.5, NonFinite = NonFinitePolicy.Ignore });

        StopDecision last = Traces.Run(criterion, [100, 200, 300, double.NaN, 1, 2, 3, 4, 5, 6])[^1];

        double[] finite = [100, 200, 300, 1, 2, 3, 4, 5, 6];
        double expected = TwoPass.PopulationVariance([4, 5, 6]) / TwoPass.PopulationVariance(finite);
        ReferenceAssert.AssertClose(new ReferenceStep(expected, false), last.Statistic, 9);
        Assert.Equal(9, criterion.Observations);
    }

    [Theory]
    [InlineData(1, 0.15, "Window")]
    [InlineData(int.MinValue, 0.15, "Window")]
    [InlineData(310, 0.0, "Threshold")]
    [InlineData(310, 1.0, "Threshold")]
    [InlineData(310, double.NaN, "Threshold")]
    [InlineData(310, double.PositiveInfinity, "Threshold")]
    public void Ctor_InvalidOptions_ThrowsNamingTheOption(int window, double threshold, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new DvarCriterion(new DvarOptions { Window = window, Threshold = threshold }));

        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains(parameter == "Window" ? "at least 2" : "open interval (0, 1)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_PaperPresets_MatchThePaper()
    {
        Assert.Equal((310, 0.15), (DvarOptions.TextualInversion.Window, DvarOptions.TextualInversion.Threshold));
        Assert.Equal((440, 0.4), (DvarOptions.DreamBoothLora.Window, DvarOptions.DreamBoothLora.Threshold));
        Assert.Equal((180, 0.15), (DvarOptions.CustomDiffusion.Window, DvarOptions.CustomDiffusion.Threshold));
        Assert.Equal("dvar", new DvarCriterion(new DvarOptions()).Name);
    }
}
