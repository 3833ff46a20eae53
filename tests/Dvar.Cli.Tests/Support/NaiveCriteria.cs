
namespace Dvar.Cli.Tests.Support;

/// <summary>DVAR and Trend written out from the criteria spec, two passes per step, for traces of ordinary magnitude:
/// where the replay of the same trace multiplied by an exact power of two must stop.</summary>
internal static class NaiveCriteria
{
    /// <summary>The first k with Var(last N) / Var(all k) &lt; α (population variances), or null.</summary>
    public static long? DvarStop(double[] values, int window, double alpha)
    {
        for (var k = window; k <= values.Length; k++)
        {
            var total = Variance(values.AsSpan(0, k));
            if (total > 0 && Variance(values.AsSpan(k - window, window)) / total < alpha)
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>The first k with |least-squares slope of the last n values against 0..n−1| &lt; τ, or null.</summary>
    public static long? TrendStop(double[] values, int window, double threshold)
    {
        for (var k = window; k <= values.Length; k++)
        {
            var slice = values.AsSpan(k - window, window);
            var mean = Mean(slice);
            var positionMean = (window - 1) / 2.0;
            double numerator = 0, denominator = 0;
            for (var i = 0; i < window; i++)
            {
                numerator += (i - positionMean) * (slice[i] - mean);
                denominator += (i - positionMean) * (i - positionMean);
            }

            if (Math.Abs(numerator / denominator) < threshold)
            {
                return k;
            }
        }

        return null;
    }

    private static double Variance(ReadOnlySpan<double> values)
    {
        var mean = Mean(values);
        double sum = 0;
        foreach (var x in values)
        {
            sum += (x - mean) * (x - mean);
        }

        return sum / values.Length;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var x in values)
        {
            sum += x;
        }

        return sum / values.Length;
    }
}
