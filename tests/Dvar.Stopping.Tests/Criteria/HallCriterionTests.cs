using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Criteria;

public sealed class HallCriterionTests
{
    // Hand-worked from the spec, H = (max − min) / max over the last n values:
    // [-1,-2,-3], n=2: max ≤ 0 -> undefined, never fires.   [0,0,0], n=2: max = 0 -> undefined.
    // [4,3], n=2, τ=0.3: H = 0.25 -> stops at 2 (the earliest, k = n).
    // [10,5,9.5,9.75], n=2, τ=0.1: H = 0.5, 0.47, 0.0256 -> stops at 4.   [2,-2], n=2: H = 2 -> never for τ = 1.
    public static TheoryData<double[], int, double, long?> HandWorked => new()
    {
        { [-1, -2, -3], 2, 10, null },
        { [0, 0, 0], 2, 10, null },
        { [4, 3], 2, 0.3, 2 },
        { [10, 5, 9.5, 9.75], 2, 0.1, 4 },
        { [2, -2], 2, 1, null },
    };

    [Theory]
    [MemberData(nameof(HandWorked))]
    public void Observe_HandWorkedTrace_StopsWhereTheSpecSays(double[] trace, int window, double threshold, long? expected)
    {
        var criterion = new HallCriterion(new HallOptions { Window = window, Threshold = threshold });

        Assert.Equal(expected, Traces.FirstStop(Traces.Run(criterion, trace)));
    }

    [Fact]
    public void Observe_NonPositiveMaximum_StatisticNull()
    {
        var criterion = new HallCriterion(new HallOptions { Window = 2, Threshold = 0.5 });

        Assert.All(Traces.Run(criterion, [-1, 0, -5, 0]), d => Assert.Null(d.Statistic));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_GeneratedTrace_MatchesReference(Trace trace, byte windowSeed, byte thresholdSeed)
    {
        int window = 2 + (windowSeed % 60);
        double threshold = ((thresholdSeed % 50) + 1) / 100.0;
        var criterion = new HallCriterion(new HallOptions { Window = window, Threshold = threshold });

        ReferenceAssert.Matches(criterion, trace.Values, HallReference.Run(trace.Values, window, threshold), threshold);
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_PowerOfTwoScaledTrace_IdenticalDecisions_Meets_Specification(Trace trace, byte windowSeed, sbyte exponent)
    {
        var options = new HallOptions { Window = 2 + (windowSeed % 40), Threshold = 0.05 };
        double scale = Math.ScaleB(1, exponent % 40);

        Assert.Equal(
            Traces.Run(new HallCriterion(options), trace.Values),
            Traces.Run(new HallCriterion(options), trace.Values.Select(v => v * scale)));
    }

    [Property(Arbitrary = [typeof(DyadicTraceArbitraries)])]
    public void Observe_PositivelyScaledTrace_SameDecisions_Meets_Specification(Trace trace, byte windowSeed, int scaleSeed)
    {
        var options = new HallOptions { Window = 2 + (windowSeed % 40), Threshold = 0.05 };
        double scale = Math.Pow(10, (Math.Abs(scaleSeed % 1000) / 100.0) - 5);
        StopDecision[] original = Traces.Run(new HallCriterion(options), trace.Values);

        ReferenceStep[] expected = [.. original.Select(d => new ReferenceStep(d.Statistic, d.Statistic < 0.05, 1, d.UndefinedReason))];
        ReferenceAssert.Matches(new HallCriterion(options), [.. trace.Values.Select(v => v * scale)], expected, 0.05);
    }

    [Theory]
    [InlineData(1, 0.1, "Window")]
    [InlineData(5, 0.0, "Threshold")]
    [InlineData(5, -1.0, "Threshold")]
    [InlineData(5, double.NaN, "Threshold")]
    public void Ctor_InvalidOptions_ThrowsNamingTheOption(int window, double threshold, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new HallCriterion(new HallOptions { Window = window, Threshold = threshold }));

        Assert.Equal(parameter, ex.ParamName);
    }
}
