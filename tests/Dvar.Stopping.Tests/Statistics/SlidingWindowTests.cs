using Dvar.Stopping.Statistics;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Statistics;

public sealed class SlidingWindowTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Aggregate_GeneratedTrace_MatchesRecomputedWindow_Meets_Specification(Trace trace, byte capacitySeed)
    {
        int capacity = 1 + (capacitySeed % 50);
        var moments = new SlidingWindow<MomentAggregate>(capacity);
        var range = new SlidingWindow<MinMaxAggregate>(capacity);
        for (int k = 1; k <= trace.Values.Length; k++)
        {
            moments.Add(trace.Values[k - 1]);
            range.Add(trace.Values[k - 1]);
            ReadOnlySpan<double> window = trace.Values.AsSpan(Math.Max(0, k - capacity), Math.Min(k, capacity));

            Assert.Equal(window.Length, moments.Count);
            Assert.Equal(window.Length, moments.Aggregate.Count);
            ReferenceAssert.AssertClose(new ReferenceStep(TwoPass.PopulationVariance(window), false), moments.Aggregate.PopulationVariance, k);
            Assert.Equal(new MinMaxAggregate(Max(window), Min(window)), range.Aggregate);
        }
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Load_SavedContents_ContinuesBitForBit_Meets_Specification(Trace trace, byte capacitySeed, byte splitSeed)
    {
        int capacity = 1 + (capacitySeed % 30);
        int split = splitSeed % (trace.Values.Length + 1);
        var uninterrupted = new SlidingWindow<SlopeAggregate>(capacity);
        foreach (double value in trace.Values[..split])
        {
            uninterrupted.Add(value);
        }

        var restored = new SlidingWindow<SlopeAggregate>(capacity);
        restored.Load(uninterrupted.ToArray(), uninterrupted.FrontCount);
        foreach (double value in trace.Values[split..])
        {
            uninterrupted.Add(value);
            restored.Add(value);
            Assert.Equal(uninterrupted.Aggregate.Slope, restored.Aggregate.Slope);
            Assert.Equal(uninterrupted.Aggregate.CoMoment, restored.Aggregate.CoMoment);
        }
    }

    [Fact]
    public void Aggregate_OffsetOneMillionWithQuietTail_MatchesTwoPassAndIsNeverNegative()
    {
        // MathNet's MovingStatistics returns -1.12e-9 here (style-examples §2.3); the two-pass value is about 1e-12.
        const int Window = 310;
        double[] trace = Traces.OffsetWithQuietTail(200_000, 1_000, seed: 7);
        var window = new SlidingWindow<MomentAggregate>(Window);
        for (int k = 1; k <= trace.Length; k++)
        {
            window.Add(trace[k - 1]);
            Assert.True(window.Aggregate.PopulationVariance >= 0);
            if (k >= Window && (k % 997 == 0 || k == trace.Length))
            {
                double expected = TwoPass.PopulationVariance(trace.AsSpan(k - Window, Window));
                ReferenceAssert.AssertClose(new ReferenceStep(expected, false), window.Aggregate.PopulationVariance, k);
            }
        }
    }

    [Fact]
    public void NaiveAddRemove_OffsetOneMillionWithQuietTail_FailsTheSameCheck()
    {
        // Negative control: the add/subtract update this design avoids does not pass the tolerance used above.
        const int Window = 310;
        double[] trace = Traces.OffsetWithQuietTail(20_000, 1_000, seed: 7);
        double sum = 0;
        double sumOfSquares = 0;
        for (int i = 0; i < trace.Length; i++)
        {
            sum += trace[i];
            sumOfSquares += trace[i] * trace[i];
            if (i >= Window)
            {
                sum -= trace[i - Window];
                sumOfSquares -= trace[i - Window] * trace[i - Window];
            }
        }

        double naive = (sumOfSquares / Window) - (sum / Window * (sum / Window));
        double expected = TwoPass.PopulationVariance(trace.AsSpan(trace.Length - Window));
        Assert.False(Math.Abs(naive - expected) <= ReferenceAssert.Tolerance * expected, $"naive {naive:R} vs {expected:R}");
    }

    [Fact]
    public void Aggregate_MillionValuesThenKnownWindow_IsExact()
    {
        // MathNet's StabilityTest: a long history, then a window whose moments are known exactly.
        var window = new SlidingWindow<MomentAggregate>(5);
        foreach (double value in Traces.Normal(1_000_000, seed: 1))
        {
            window.Add((value * 1e3) + 1e6);
        }

        foreach (double value in new[] { 1.0, 2, 3, 4, 5 })
        {
            window.Add(value);
        }

        MomentAggregate moments = window.Aggregate;
        Assert.Equal(2.0, moments.PopulationVariance, 1e-10);
        Assert.Equal(3.0, moments.Shift + moments.Mean, 1e-10);
    }

    [Fact]
    public void Aggregate_ConstantWindowAfterLargeValues_IsExactlyZero()
    {
        var window = new SlidingWindow<MomentAggregate>(4);
        foreach (double value in new[] { 1e9, -3e8, 7.5, 0.1, 0.1, 0.1, 0.1 })
        {
            window.Add(value);
        }

        Assert.Equal(0.0, window.Aggregate.PopulationVariance);
    }

    [Fact]
    public void Load_TooManyValues_Throws()
    {
        var window = new SlidingWindow<MomentAggregate>(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => window.Load([1, 2, 3], 0));
    }

    private static double Max(ReadOnlySpan<double> values)
    {
        double max = double.NegativeInfinity;
        foreach (double value in values)
        {
            max = Math.Max(max, value);
        }

        return max;
    }

    private static double Min(ReadOnlySpan<double> values)
    {
        double min = double.PositiveInfinity;
        foreach (double value in values)
        {
            min = Math.Min(min, value);
        }

        return min;
    }
}
