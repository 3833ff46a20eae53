using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Criteria;

public sealed class EmaPercentileCriterionTests
{
    private static readonly double[] Smoothings = [0.1, 0.1, 0.3, 0.5, 1.0];
    private static readonly double[] Thresholds = [1e-4, 1e-3, 0.01, 0.1];

    // Hand-worked from the spec:
    // [0,0,1], n=1, a=1 (EMA = x): EMA_{k-1} = 0 at k = 2 and 3 -> undefined, never fires.
    // [2,2], n=1, a=0.1: M_2 = 0 < τ -> stops at 2 (the earliest, k = n + 1).
    // [1,2,2.25], n=1, a=1, τ=0.2: M_2 = 1, M_3 = 0.125 -> stops at 3.
    // [4,4,4,8], n=3, a=0.5, τ=0.1: M_4 = (6 - 4)/4 = 0.5 -> never.
    public static TheoryData<double[], int, double, double, long?> HandWorked => new()
    {
        { [0, 0, 1], 1, 1.0, 0.5, null },
        { [2, 2], 1, 0.1, 0.01, 2 },
        { [1, 2, 2.25], 1, 1.0, 0.2, 3 },
        { [4, 4, 4, 8], 3, 0.5, 0.1, null },
    };

    [Theory]
    [MemberData(nameof(HandWorked))]
    public void Observe_HandWorkedTrace_StopsWhereTheSpecSays(double[] trace, int lag, double smoothing, double threshold, long? expected)
    {
        var criterion = new EmaPercentileCriterion(new EmaPercentileOptions { Lag = lag, Smoothing = smoothing, Threshold = threshold });

        Assert.Equal(expected, Traces.FirstStop(Traces.Run(criterion, trace)));
    }

    [Fact]
    public void Observe_ZeroLaggedEma_StatisticNull()
    {
        var criterion = new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 1, Smoothing = 1, Threshold = 0.5 });

        StopDecision[] decisions = Traces.Run(criterion, [0, 0, 1, 1]);

        Assert.Equal([null, null, null, 0.0], decisions.Select(d => d.Statistic));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_GeneratedTrace_MatchesReference(Trace trace, byte lagSeed, byte settingSeed)
    {
        int lag = 1 + (lagSeed % 30);
        double smoothing = Smoothings[settingSeed % Smoothings.Length];
        double threshold = Thresholds[(settingSeed / Smoothings.Length) % Thresholds.Length];
        var criterion = new EmaPercentileCriterion(new EmaPercentileOptions { Lag = lag, Smoothing = smoothing, Threshold = threshold });

        ReferenceAssert.Matches(criterion, trace.Values, EmaReference.Run(trace.Values, lag, smoothing, threshold), threshold);
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_PowerOfTwoScaledTrace_IdenticalDecisions_Meets_Specification(Trace trace, byte lagSeed, sbyte exponent)
    {
        var options = new EmaPercentileOptions { Lag = 1 + (lagSeed % 30), Threshold = 0.01 };
        double scale = Math.ScaleB(1, exponent % 40);

        Assert.Equal(
            Traces.Run(new EmaPercentileCriterion(options), trace.Values),
            Traces.Run(new EmaPercentileCriterion(options), trace.Values.Select(v => v * scale)));
    }

    [Property(Arbitrary = [typeof(DyadicTraceArbitraries)])]
    public void Observe_PositivelyScaledTrace_SameDecisions_Meets_Specification(Trace trace, byte lagSeed, int scaleSeed)
    {
        var options = new EmaPercentileOptions { Lag = 1 + (lagSeed % 30), Threshold = 0.01 };
        double scale = Math.Pow(10, (Math.Abs(scaleSeed % 1000) / 100.0) - 5);
        StopDecision[] original = Traces.Run(new EmaPercentileCriterion(options), trace.Values);

        ReferenceStep[] expected = [.. original.Select(d => new ReferenceStep(d.Statistic, d.Statistic < 0.01, 1, d.UndefinedReason))];
        ReferenceAssert.Matches(new EmaPercentileCriterion(options), [.. trace.Values.Select(v => v * scale)], expected, 0.01);
    }

    [Theory]
    [InlineData(0, 0.1, 0.01, "Lag", "at least 1")]
    [InlineData(1, 0.0, 0.01, "Smoothing", "interval (0, 1]")]
    [InlineData(1, 1.5, 0.01, "Smoothing", "interval (0, 1]")]
    [InlineData(1, double.NaN, 0.01, "Smoothing", "got NaN")]
    [InlineData(1, 0.1, 0.0, "Threshold", "greater than 0")]
    [InlineData(1, 0.1, double.PositiveInfinity, "Threshold", "finite")]
    public void Ctor_InvalidOptions_ThrowsNamingTheOption(int lag, double smoothing, double threshold, string parameter, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = lag, Smoothing = smoothing, Threshold = threshold }));

        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
