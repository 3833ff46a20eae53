using Dvar.Stopping.Statistics;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;
using MathNet.Numerics.Statistics;

namespace Dvar.Stopping.Tests.Statistics;

public sealed class MomentAggregateTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Add_GeneratedTrace_MatchesTwoPassAtEveryPrefix_Meets_Specification(Trace trace)
    {
        var moments = default(MomentAggregate);
        for (int k = 1; k <= trace.Values.Length; k++)
        {
            moments = moments.Add(trace.Values[k - 1]);
            double expected = TwoPass.PopulationVariance(trace.Values.AsSpan(0, k));
            ReferenceAssert.AssertClose(new ReferenceStep(expected, false), moments.PopulationVariance, k);
            Assert.Equal(k, moments.Count);
        }
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Merge_AnySplit_MatchesTwoPass_Meets_Specification(Trace trace, byte splitSeed)
    {
        // Both halves non-empty for every case: a one-value trace gets a second value, and the split falls inside.
        double[] values = trace.Values.Length >= 2 ? trace.Values : [trace.Values[0], trace.Values[0] + 1];
        int split = 1 + (splitSeed % (values.Length - 1));

        MomentAggregate older = values[..split].Aggregate(default(MomentAggregate), (m, x) => m.Add(x));
        MomentAggregate newer = values[split..].Aggregate(default(MomentAggregate), (m, x) => m.Add(x));
        MomentAggregate merged = MomentAggregate.Merge(older, newer);

        ReferenceAssert.AssertClose(new ReferenceStep(TwoPass.PopulationVariance(values), false), merged.PopulationVariance, values.Length);
        Assert.True(merged.M2 >= 0);
    }

    [Fact]
    public void Add_BenignTrace_MatchesMathNetRunningStatistics()
    {
        double[] values = [.. Traces.Normal(10_000, seed: 2).Select(z => 0.5 + (0.1 * z))];
        var ours = values.Aggregate(default(MomentAggregate), (m, x) => m.Add(x));
        var mathNet = new RunningStatistics(values);

        Assert.Equal(mathNet.PopulationVariance, ours.PopulationVariance, 1e-12);
        Assert.Equal(mathNet.Mean, ours.Shift + ours.Mean, 1e-12);
    }

    [Theory]
    [InlineData(1e6, 1e-6)]
    [InlineData(0, 1e-9)]
    [InlineData(-1e6, 1e-3)]
    public void Add_TwoHundredThousandHardValues_MatchesTwoPass(double offset, double scale)
    {
        double[] values = [.. Traces.Normal(200_000, seed: 4).Select(z => offset + (scale * z))];
        var ours = values.Aggregate(default(MomentAggregate), (m, x) => m.Add(x));

        ReferenceAssert.AssertClose(new ReferenceStep(TwoPass.PopulationVariance(values), false), ours.PopulationVariance, values.Length);
    }

    [Theory]
    [InlineData(0, 1e300)]
    [InlineData(1e300, 1e297)]
    [InlineData(-1e308, 1e306)]
    [InlineData(0, 1e160)]
    [InlineData(0, 1e-160)]
    [InlineData(0, 1e-300)]
    [InlineData(1e-300, 1e-303)]
    [InlineData(0, 4e-320)]
    public void Add_ValuesAtTheEndsOfTheRange_MatchScaledTwoPass(double offset, double scale)
    {
        // A plain variance overflows above about 1e154 and underflows below about 1e-162; the reference divides the
        // values by 2^p first (exact), and ours is compared in that unit.
        double[] values = [.. Traces.Normal(20_000, seed: 14).Select(z => offset + (scale * z))];
        var ours = values.Aggregate(default(MomentAggregate), (m, x) => m.Add(x));
        var (expected, exponent) = TwoPass.ScaledPopulationVariance(values);

        double actual = Math.ScaleB(ours.M2 / ours.Count, 2 * (ours.Scale - exponent));

        ReferenceAssert.AssertClose(new ReferenceStep(expected, false), actual, values.Length);
        Assert.True(expected > 0);
    }

    [Theory]
    [InlineData(1e300, 1e-300)]
    [InlineData(1e-300, 1e300)]
    [InlineData(1, 1e300)]
    public void Merge_RunsOfVeryDifferentScales_MatchesScaledTwoPass(double olderScale, double newerScale)
    {
        double[] older = [.. Traces.Normal(500, seed: 15).Select(z => olderScale * (2 + z))];
        double[] newer = [.. Traces.Normal(700, seed: 16).Select(z => newerScale * (3 + z))];
        MomentAggregate merged = MomentAggregate.Merge(
            older.Aggregate(default(MomentAggregate), (m, x) => m.Add(x)),
            newer.Aggregate(default(MomentAggregate), (m, x) => m.Add(x)));
        double[] all = [.. older, .. newer];
        var (expected, exponent) = TwoPass.ScaledPopulationVariance(all);

        ReferenceAssert.AssertClose(new ReferenceStep(expected, false), Math.ScaleB(merged.M2 / merged.Count, 2 * (merged.Scale - exponent)), all.Length);
        Assert.Equal(all.Length, merged.Count);
    }

    [Fact]
    public void VarianceRatio_OfRunsAtTheEndsOfTheRange_MatchesScaledTwoPass()
    {
        double[] values = [.. Traces.Normal(3_000, seed: 17).Select((z, i) => 1e300 * (Math.Exp(-i / 300.0) + (0.01 * z)))];
        MomentAggregate all = values.Aggregate(default(MomentAggregate), (m, x) => m.Add(x));
        MomentAggregate tail = values[^400..].Aggregate(default(MomentAggregate), (m, x) => m.Add(x));

        double? expected = TwoPass.VarianceRatio(values.AsSpan(^400..), values);

        ReferenceAssert.AssertClose(new ReferenceStep(expected, false), MomentAggregate.VarianceRatio(tail, all), values.Length);
        Assert.True(expected < 0.01);
    }

    [Fact]
    public void Add_ConstantValues_VarianceExactlyZero()
    {
        var moments = Enumerable.Repeat(0.1, 1000).Aggregate(default(MomentAggregate), (m, x) => m.Add(x));

        Assert.Equal(0.0, moments.PopulationVariance);
    }

    [Fact]
    public void PopulationVariance_Empty_IsNaN() => Assert.True(double.IsNaN(default(MomentAggregate).PopulationVariance));
}
