using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Criteria;

public sealed class TrendCriterionTests
{
    // Hand-worked from the spec, slope of the last n values against positions 0..n−1:
    // [3,3.5,4], n=3: slope 0.5 -> stops at 3 for τ = 0.75.   [1,1,1], n=3: slope 0 -> stops at 3.
    // [1,2,4], n=3: slope ((−1)(1 − 7/3) + (1)(4 − 7/3)) / 2 = 1.5 -> not < 1.5: never.
    // [4,2,0,0,0], n=3, τ=0.5: slopes −2, −1, 0 -> stops at 5.
    public static TheoryData<double[], int, double, long?> HandWorked => new()
    {
        { [3, 3.5, 4], 3, 0.75, 3 },
        { [1, 1, 1], 3, 1e-12, 3 },
        { [1, 2, 4], 3, 1.5, null },
        { [4, 2, 0, 0, 0], 3, 0.5, 5 },
    };

    [Theory]
    [MemberData(nameof(HandWorked))]
    public void Observe_HandWorkedTrace_StopsWhereTheSpecSays(double[] trace, int window, double threshold, long? expected)
    {
        var criterion = new TrendCriterion(new TrendOptions { Window = window, Threshold = threshold });

        Assert.Equal(expected, Traces.FirstStop(Traces.Run(criterion, trace)));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_GeneratedTrace_MatchesReference(Trace trace, byte windowSeed, byte thresholdSeed)
    {
        int window = 2 + (windowSeed % 60);
        double threshold = Math.Pow(10, -(thresholdSeed % 12));
        var criterion = new TrendCriterion(new TrendOptions { Window = window, Threshold = threshold });

        ReferenceAssert.Matches(criterion, trace.Values, TrendReference.Run(trace.Values, window, threshold), threshold);
    }

    [Property(Arbitrary = [typeof(DyadicTraceArbitraries)])]
    public void Observe_TranslatedOrNegatedTrace_IdenticalDecisions_Meets_Specification(Trace trace, int shift, byte windowSeed)
    {
        var options = new TrendOptions { Window = 2 + (windowSeed % 40), Threshold = 0.01 };
        double constant = shift % 1_000_000;
        StopDecision[] original = Traces.Run(new TrendCriterion(options), trace.Values);

        Assert.Equal(original, Traces.Run(new TrendCriterion(options), trace.Values.Select(v => v + constant)));
        Assert.Equal(original, Traces.Run(new TrendCriterion(options), trace.Values.Select(v => -v)));
    }

    [Fact]
    public void Observe_OffsetOneMillionQuietTail_MatchesReference()
    {
        double[] trace = Traces.OffsetWithQuietTail(5_000, 1_000, seed: 12);
        var criterion = new TrendCriterion(new TrendOptions { Window = 200, Threshold = 1e-9 });

        int compared = ReferenceAssert.Matches(criterion, trace, TrendReference.Run(trace, 200, 1e-9), 1e-9);

        Assert.Equal(trace.Length, compared);
    }

    [Theory]
    [InlineData(1, 0.1, "Window")]
    [InlineData(5, 0.0, "Threshold")]
    [InlineData(5, double.NegativeInfinity, "Threshold")]
    public void Ctor_InvalidOptions_ThrowsNamingTheOption(int window, double threshold, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new TrendCriterion(new TrendOptions { Window = window, Threshold = threshold }));

        Assert.Equal(parameter, ex.ParamName);
    }
}
