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
        int split = 1 + (splitSeed % trace.Values.Length);
        if (split == trace.Values.Length)
        {
            return;
        }

        MomentAggregate older = trace.Values[..split].Aggregate(default(MomentAggregate), (m, x) => m.Add(x));
        MomentAggregate newer = trace.Values[split..].Aggregate(default(MomentAggregate), (m, x) => m.Add(x));
        MomentAggregate merged = MomentAggregate.Merge(older, newer);

        ReferenceAssert.AssertClose(new ReferenceStep(TwoPass.PopulationVariance(trace.Values), false), merged.PopulationVariance, trace.Values.Length);
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

    [Fact]
    public void Add_ConstantValues_VarianceExactlyZero()
    {
        var moments = Enumerable.Repeat(0.1, 1000).Aggregate(default(MomentAggregate), (m, x) => m.Add(x));

        Assert.Equal(0.0, moments.PopulationVariance);
    }

    [Fact]
    public void PopulationVariance_Empty_IsNaN() => Assert.True(double.IsNaN(default(MomentAggregate).PopulationVariance));
}
