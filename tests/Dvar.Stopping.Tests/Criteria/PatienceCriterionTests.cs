using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Criteria;

public sealed class PatienceCriterionTests
{
    private static readonly double[] MinDeltas = [0, 0.001, 0.01, 0.25];

    // Hand-worked from the spec (maximise; improve iff score > best + ε; fire when misses > patience):
    // [1,.9,.9,.9], patience 2: misses 1,2,3 -> stops at 4 (patience + 1 misses).
    // [1,.9,.9], patience 2: exactly patience misses -> never.
    // [1,.9,.9,1.5,1,1], patience 2: k=4 improves and resets -> never.
    // [1,1.25,1.25], ε=0.25, patience 1: 1.25 is not > 1 + 0.25 -> miss twice, 2 > 1: stops at 3; [1,1.25,1.5]: 1.5 improves: never.
    // [5], patience 0: the first score sets the best -> never.   [5,5], patience 0: one miss -> stops at 2.
    public static TheoryData<double[], int, double, long?> HandWorked => new()
    {
        { [1, 0.9, 0.9, 0.9], 2, 0, 4 },
        { [1, 0.9, 0.9], 2, 0, null },
        { [1, 0.9, 0.9, 1.5, 1, 1], 2, 0, null },
        { [1, 1.25, 1.25], 1, 0.25, 3 },
        { [1, 1.25, 1.5], 1, 0.25, null },
        { [5], 0, 0, null },
        { [5, 5], 0, 0, 2 },
    };

    [Theory]
    [MemberData(nameof(HandWorked))]
    public void Observe_HandWorkedScores_StopsWhereTheSpecSays(double[] scores, int patience, double minDelta, long? expected)
    {
        var criterion = new PatienceCriterion(new PatienceOptions { Patience = patience, MinDelta = minDelta });

        Assert.Equal(expected, Traces.FirstStop(Traces.Run(criterion, scores)));
    }

    [Fact]
    public void Observe_Scores_ReportsTheBestObservation()
    {
        var criterion = new PatienceCriterion(new PatienceOptions { Patience = 5 });

        StopDecision[] decisions = Traces.Run(criterion, [0.5, 0.7, 0.6, 0.8, 0.1]);

        Assert.Equal([1L, 2, 2, 4, 4], decisions.Select(d => d.BestObservation));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_GeneratedScores_MatchesReference(Trace trace, byte patienceSeed, byte deltaSeed)
    {
        int patience = patienceSeed % 12;
        double minDelta = MinDeltas[deltaSeed % MinDeltas.Length];
        var criterion = new PatienceCriterion(new PatienceOptions { Patience = patience, MinDelta = minDelta });
        var (steps, bests) = PatienceReference.Run(trace.Values, patience, minDelta);
        long? firedAt = null;

        for (int i = 0; i < trace.Values.Length; i++)
        {
            StopDecision decision = criterion.Observe(trace.Values[i]);
            firedAt ??= steps[i].Crossed ? i + 1 : null;
            Assert.Equal((steps[i].Statistic, bests[i], firedAt is not null), (decision.Statistic, decision.BestObservation, decision.ShouldStop));
        }
    }

    [Fact]
    public void Ctor_PaperPresets_MatchThePaper()
    {
        Assert.Equal((6, 0.02), (PatienceOptions.TextualInversion.Patience, PatienceOptions.TextualInversion.MinDelta));
        // The authors' README (yandex-research/DVAR, "CLIP Early Stopping"): --method [inversion/custom/dreambooth],
        // --early_stop_patience [6/6/3], --early_stop_eps [0.02/0.02/0.04].
        Assert.Equal((3, 0.04), (PatienceOptions.DreamBoothLora.Patience, PatienceOptions.DreamBoothLora.MinDelta));
        Assert.Equal((6, 0.02), (PatienceOptions.CustomDiffusion.Patience, PatienceOptions.CustomDiffusion.MinDelta));
    }

    [Theory]
    [InlineData(-1, 0.0, "Patience")]
    [InlineData(3, -0.01, "MinDelta")]
    [InlineData(3, double.NaN, "MinDelta")]
    [InlineData(3, double.PositiveInfinity, "MinDelta")]
    public void Ctor_InvalidOptions_ThrowsNamingTheOption(int patience, double minDelta, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new PatienceCriterion(new PatienceOptions { Patience = patience, MinDelta = minDelta }));

        Assert.Equal(parameter, ex.ParamName);
    }
}
