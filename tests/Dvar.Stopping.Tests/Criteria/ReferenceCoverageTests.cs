using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Fluent;

namespace Dvar.Stopping.Tests.Criteria;

/// <summary>
/// The generated-trace properties of DVAR, Hall and Trend (<c>Observe_GeneratedTrace_MatchesReference</c>) compare decisions
/// with the reference until <see cref="ReferenceAssert.Matches"/> meets a near-tie with the threshold, and do not look at how
/// far they got. This draws the same kind of cases (the properties' trace generator and parameter formulas) and shows that
/// the comparison almost always covers the whole trace and that many cases fire, so those properties check both the
/// statistics and the stop.
/// </summary>
public sealed class ReferenceCoverageTests
{
    private const int Cases = 300;

    public static TheoryData<string> Kinds => ["dvar", "hall", "trend"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GeneratedTraceProperty_ComparesWholeTracesAndSeesStops(string kind)
    {
        var traces = TraceArbitraries.TraceGen(1, 4, 120).Sample(Cases, 50);
        var random = new Random(kind.Length);
        int whole = 0;
        int fired = 0;
        foreach (var trace in traces)
        {
            int window = 2 + (random.Next(256) % 60);
            int seed = random.Next(256);
            double threshold = kind switch
            {
                "dvar" => ((seed % 99) + 1) / 100.0,
                "hall" => ((seed % 50) + 1) / 100.0,
                _ => Math.Pow(10, -(seed % 12)),
            };
            var (criterion, reference) = kind switch
            {
                "dvar" => ((IStoppingCriterion)new DvarCriterion(new DvarOptions { Window = window, Threshold = threshold }), DvarReference.Run(trace.Values, window, threshold)),
                "hall" => (new HallCriterion(new HallOptions { Window = window, Threshold = threshold }), HallReference.Run(trace.Values, window, threshold)),
                _ => (new TrendCriterion(new TrendOptions { Window = window, Threshold = threshold }), TrendReference.Run(trace.Values, window, threshold)),
            };

            int compared = ReferenceAssert.Matches(criterion, trace.Values, reference, threshold);

            whole += compared == trace.Values.Length ? 1 : 0;
            fired += ReferenceAssert.FirstCrossing(reference) is long k && k <= compared ? 1 : 0;
        }

        Assert.True(whole >= Cases * 9 / 10, $"{kind}: only {whole} of {Cases} cases were compared to the end of the trace.");
        Assert.True(fired >= Cases / 20, $"{kind}: only {fired} of {Cases} compared cases reached a stop.");
    }
}
