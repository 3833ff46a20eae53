namespace Dvar.Stopping.Tests.Reference;

/// <summary>Textbook two-pass float64 statistics of a whole slice, recomputed from scratch on every call.</summary>
/// <remarks>
/// The data are shifted by their first value (exact when the values are within a factor 2 of each other), the mean is
/// taken in a first pass, and the second pass sums squared deviations with the Chan-Golub-LeVeque correction term
/// −(Σd)²/n, which cancels the rounding error of the mean. This is the float64 reference the criteria must match.
/// </remarks>
internal static class TwoPass
{
    /// <summary>Population variance (divide by n, numpy ddof=0) of <paramref name="values"/>.</summary>
    public static double PopulationVariance(ReadOnlySpan<double> values)
    {
        double shift = values[0];
        double mean = ShiftedMean(values, shift);
        double squares = 0;
        double deviations = 0;
        foreach (double x in values)
        {
            double d = (x - shift) - mean;
            squares += d * d;
            deviations += d;
        }

        return Math.Max(0, (squares - (deviations * deviations / values.Length)) / values.Length);
    }

    /// <summary>Mean of <paramref name="values"/>.</summary>
    public static double Mean(ReadOnlySpan<double> values) => values[0] + ShiftedMean(values, values[0]);

    /// <summary>Least-squares slope of <paramref name="values"/> against positions 0..n−1, and its condition scale
    /// Σ|i − ī||x_i − x̄| / Σ(i − ī)², the size below which float64 cannot resolve the slope.</summary>
    public static (double Slope, double Scale) Slope(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        double shift = values[0];
        double mean = ShiftedMean(values, shift);
        double positionMean = (n - 1) / 2.0;
        double numerator = 0;
        double magnitude = 0;
        double denominator = 0;
        for (int i = 0; i < n; i++)
        {
            double dp = i - positionMean;
            double dx = (values[i] - shift) - mean;
            numerator += dp * dx;
            magnitude += Math.Abs(dp * dx);
            denominator += dp * dp;
        }

        return (numerator / denominator, magnitude / denominator);
    }

    private static double ShiftedMean(ReadOnlySpan<double> values, double shift)
    {
        double sum = 0;
        foreach (double x in values)
        {
            sum += x - shift;
        }

        return sum / values.Length;
    }
}
