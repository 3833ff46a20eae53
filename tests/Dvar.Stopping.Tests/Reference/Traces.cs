
namespace Dvar.Stopping.Tests.Reference;

/// <summary>Fixed hard traces of the numerical-robustness requirements, deterministic from a seed.</summary>
internal static class Traces
{
    /// <summary>Standard normal samples.</summary>
    public static double[] Normal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }

        return values;
    }

    /// <summary>MathNet's failing case (style-examples §2.3): 1e6 plus unit noise for <paramref name="loud"/> values, then
    /// noise scaled to 1e-6.</summary>
    public static double[] OffsetWithQuietTail(int count, int loud, int seed) =>
        [.. Normal(count, seed).Select((z, i) => 1e6 + (i < loud ? z : 1e-6 * z))];

    /// <summary>A decaying loss settling on a plateau: offset + unit·(e^{−i/τ} + noise·z).</summary>
    public static double[] Decay(int count, double offset, double unit, double timescale, double noise, int seed) =>
        [.. Normal(count, seed).Select((z, i) => offset + (unit * (Math.Exp(-i / timescale) + (noise * z))))];

    /// <summary>Feeds every value and returns the decisions.</summary>
    public static StopDecision[] Run(IStoppingCriterion criterion, IEnumerable<double> values) =>
        [.. values.Select(criterion.Observe)];

    /// <summary>The 1-based index of the first Stop, or null.</summary>
    public static long? FirstStop(IEnumerable<StopDecision> decisions) =>
        decisions.FirstOrDefault(d => d.ShouldStop) is { ShouldStop: true } d ? d.Observation : null;
}
