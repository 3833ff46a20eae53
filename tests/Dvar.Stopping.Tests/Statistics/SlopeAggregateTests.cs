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

    [Fact]
    public void Slope_SingleValue_IsNaN() => Assert.True(double.IsNaN(SlopeAggregate.Of(3, 0).Slope));
}
