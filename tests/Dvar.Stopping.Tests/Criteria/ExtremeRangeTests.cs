using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Criteria;

/// <summary>Criteria stay exact for any finite input: at every scale from the subnormal to 1.8e308 their statistics
/// equal the naive two-pass float64 formulas computed in scaled form (<see cref="TwoPass"/>: the values divided by a
/// power of two first, which is exact), and they stop where those stop.</summary>
public sealed class ExtremeRangeTests
{
    public static TheoryData<double> Units => ExtremeTraces.Units;

    [Theory]
    [MemberData(nameof(Units))]
    public void Dvar_DecayAtExtremeScale_MatchesScaledReferenceAndStops(double unit)
    {
        double[] trace = ExtremeTraces.Decay(unit, seed: 21);
        ReferenceStep[] reference = DvarReference.Run(trace, 310, 0.15);

        int compared = ReferenceAssert.Matches(new DvarCriterion(DvarOptions.TextualInversion), trace, reference, 0.15);

        Assert.Equal(trace.Length, compared);
        Assert.NotNull(ReferenceAssert.FirstCrossing(reference));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void Dvar_PlateauAtExtremeScale_MatchesScaledReferenceAndStops(double unit)
    {
        double[] trace = ExtremeTraces.Plateau(unit, seed: 22);
        ReferenceStep[] reference = DvarReference.Run(trace, 180, 0.15);

        int compared = ReferenceAssert.Matches(new DvarCriterion(DvarOptions.CustomDiffusion), trace, reference, 0.15);

        Assert.Equal(trace.Length, compared);
        Assert.NotNull(ReferenceAssert.FirstCrossing(reference));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void Trend_DecayAtExtremeScale_MatchesScaledReferenceAndStops(double unit)
    {
        double[] trace = ExtremeTraces.Decay(unit, seed: 23);
        double threshold = 2e-5 * unit;
        ReferenceStep[] reference = TrendReference.Run(trace, 200, threshold);

        int compared = ReferenceAssert.Matches(new TrendCriterion(new TrendOptions { Window = 200, Threshold = threshold }), trace, reference, threshold);

        Assert.Equal(trace.Length, compared);
        Assert.NotNull(ReferenceAssert.FirstCrossing(reference));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void Hall_PlateauAtExtremeScale_MatchesScaledReferenceAndStops(double unit)
    {
        double[] trace = ExtremeTraces.Plateau(unit, seed: 24);
        ReferenceStep[] reference = HallReference.Run(trace, 100, 0.05);

        int compared = ReferenceAssert.Matches(new HallCriterion(new HallOptions { Window = 100, Threshold = 0.05 }), trace, reference, 0.05);

        Assert.Equal(trace.Length, compared);
        Assert.NotNull(ReferenceAssert.FirstCrossing(reference));
    }

    [Theory]
    [MemberData(nameof(Units))]
    public void Ema_PlateauAtExtremeScale_MatchesScaledReferenceAndStops(double unit)
    {
        double[] trace = ExtremeTraces.Plateau(unit, seed: 25);
        ReferenceStep[] reference = EmaReference.Run(trace, 50, 0.1, 0.001);

        int compared = ReferenceAssert.Matches(new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 50, Threshold = 0.001 }), trace, reference, 0.001);

        Assert.Equal(trace.Length, compared);
        Assert.NotNull(ReferenceAssert.FirstCrossing(reference));
    }

    [Fact]
    public void AllWindowed_ValuesFillingDoublesRange_MatchScaledReference()
    {
        // Values of both signs up to ±1.7e308: x − y overflows for a pair of them, (x − mean)² for almost every one.
        double[] trace = ExtremeTraces.FullRange(seed: 26);

        ReferenceStep[] dvar = DvarReference.Run(trace, 310, 0.15);
        Assert.Equal(trace.Length, ReferenceAssert.Matches(new DvarCriterion(DvarOptions.TextualInversion), trace, dvar, 0.15));
        Assert.NotNull(ReferenceAssert.FirstCrossing(dvar));

        ReferenceStep[] trend = TrendReference.Run(trace, 100, 1e304);
        Assert.Equal(trace.Length, ReferenceAssert.Matches(new TrendCriterion(new TrendOptions { Window = 100, Threshold = 1e304 }), trace, trend, 1e304));

        ReferenceStep[] hall = HallReference.Run(trace, 50, 0.5);
        Assert.Equal(trace.Length, ReferenceAssert.Matches(new HallCriterion(new HallOptions { Window = 50, Threshold = 0.5 }), trace, hall, 0.5));

        ReferenceStep[] ema = EmaReference.Run(trace, 5, 0.1, 0.01);
        Assert.Equal(trace.Length, ReferenceAssert.Matches(new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 5, Threshold = 0.01 }), trace, ema, 0.01));
    }

    [Fact]
    public void AllWindowed_LargestDoubles_NoNaNAndExactStatistics()
    {
        // Hand-worked: window {M, −M, M} with M = double.MaxValue.
        // Hall: (M − (−M)) / M = 2. Trend: slope of (M, −M, M) against (0, 1, 2) is 0, resolved to float64's
        // precision relative to the values (ReferenceStep.Scale: Σ|i − ī||x_i − x̄| / Σ(i − ī)² = 2M/3).
        // DVAR (N = 2) at k = 3: Var{−M, M} = M², Var{M, −M, M} = 8M²/9, ratio 9/8.
        // EMA (a = 1, n = 1) at k = 2: (−M − M) / M = −2, |M_2| = 2.
        double m = double.MaxValue;
        double[] trace = [m, -m, m];

        Assert.Equal(2.0, Traces.Run(new HallCriterion(new HallOptions { Window = 3, Threshold = 0.1 }), trace)[^1].Statistic);
        ReferenceAssert.AssertClose(
            new ReferenceStep(0, false, 2 * (m / 3)), Traces.Run(new TrendCriterion(new TrendOptions { Window = 3, Threshold = 0.1 }), trace)[^1].Statistic, 3);
        Assert.Equal(9.0 / 8, Traces.Run(new DvarCriterion(new DvarOptions { Window = 2, Threshold = 0.5 }), trace)[^1].Statistic!.Value, 1e-15);
        Assert.Equal(2.0, Traces.Run(new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 1, Smoothing = 1, Threshold = 0.1 }), trace)[1].Statistic);
    }

    [Fact]
    public void Ema_TwoLargestDoubles_StaysFinite()
    {
        // The EMA of equal values is that value, also at the top of double's range, so M_2 = 0 (not NaN or ∞ − ∞).
        double m = double.MaxValue;
        var criterion = new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 1, Threshold = 1e-12 });

        StopDecision[] decisions = Traces.Run(criterion, [m, m, m]);

        Assert.Equal(0.0, decisions[1].Statistic);
        Assert.True(decisions[1].ShouldStop);
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)], MaxTest = 60)]
    public void AllWindowed_GeneratedTraceMovedToAnyScale_MatchesScaledReference_Meets_Specification(Trace trace, int exponentSeed, byte windowSeed)
    {
        int exponent = ExtremeTraces.Exponent(trace.Values, exponentSeed);
        double[] values = TwoPass.Scale(trace.Values, exponent);
        int window = 2 + (windowSeed % 40);

        ReferenceAssert.Matches(new DvarCriterion(new DvarOptions { Window = window, Threshold = 0.3 }), values, DvarReference.Run(values, window, 0.3), 0.3);
        ReferenceAssert.Matches(new HallCriterion(new HallOptions { Window = window, Threshold = 0.05 }), values, HallReference.Run(values, window, 0.05), 0.05);
        double slopeThreshold = Math.ScaleB(0.01, exponent);
        ReferenceAssert.Matches(new TrendCriterion(new TrendOptions { Window = window, Threshold = slopeThreshold }), values, TrendReference.Run(values, window, slopeThreshold), slopeThreshold);
        ReferenceAssert.Matches(new EmaPercentileCriterion(new EmaPercentileOptions { Lag = window, Threshold = 0.01 }), values, EmaReference.Run(values, window, 0.1, 0.01), 0.01);
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)], MaxTest = 60)]
    public void Dvar_GeneratedTraceMovedToAnyScale_IdenticalDecisions_Meets_Specification(Trace trace, int exponentSeed, byte windowSeed)
    {
        // Multiplying by 2^j is exact, and so is the criterion's arithmetic in its power-of-two unit: bit-identical.
        var options = new DvarOptions { Window = 2 + (windowSeed % 40), Threshold = 0.3 };
        int exponent = ExtremeTraces.Exponent(trace.Values, exponentSeed);

        Assert.Equal(
            Traces.Run(new DvarCriterion(options), trace.Values),
            Traces.Run(new DvarCriterion(options), TwoPass.Scale(trace.Values, exponent)));
    }
}
