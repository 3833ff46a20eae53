using Dvar.Stopping.Statistics;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Statistics;

public sealed class SlopeAggregateTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Slope_SlidingWindow_MatchesTwoPass_Meets_Specification(Trace trace, byte capacitySeed)
    {
        int capacity = 2 + (capacitySeed % 50);
        var window = new SlidingWindow<SlopeAggregate>(capacity);
        for (int k = 1; k <= trace.Values.Length; k++)
        {
            window.Add(trace.Values[k - 1]);
            if (k >= capacity)
            {
                var (slope, scale) = TwoPass.Slope(trace.Values.AsSpan(k - capacity, capacity));
                ReferenceAssert.AssertClose(new ReferenceStep(slope, false, scale), window.Aggregate.Slope, k);
            }
        }
    }

    [Fact]
    public void Slope_ExactLineAfterLongHistory_IsExact()
    {
        var window = new SlidingWindow<SlopeAggregate>(8);
        foreach (double value in Traces.Normal(100_000, seed: 9))
        {
            window.Add(1e6 + value);
        }

        for (int i = 0; i < 8; i++)
        {
            window.Add(1e6 + (0.25 * i));
        }

        Assert.Equal(0.25, window.Aggregate.Slope, 1e-12);
    }

    [Theory]
    [InlineData(0, 1e300)]
    [InlineData(1e308, 1e306)]
    [InlineData(0, 1e-300)]
    [InlineData(0, 4e-320)]
    public void Slope_SlidingWindowAtTheEndsOfTheRange_MatchesScaledTwoPass(double offset, double unit)
    {
        double[] values = Traces.Decay(2_000, offset, unit, timescale: 200, noise: 0.05, seed: 18);
        var window = new SlidingWindow<SlopeAggregate>(150);
        for (int k = 1; k <= values.Length; k++)
        {
            window.Add(values[k - 1]);
            if (k >= 150)
            {
                var (slope, scale) = TwoPass.ScaledSlope(values.AsSpan(k - 150, 150));
                ReferenceAssert.AssertClose(new ReferenceStep(slope, false, scale), window.Aggregate.Slope, k);
            }
        }
    }

    [Fact]
    public void Slope_SingleValue_IsNaN() => Assert.True(double.IsNaN(SlopeAggregate.Of(3, 0).Slope));
}
