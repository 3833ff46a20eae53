
namespace Dvar.Stopping.Tests.Reference;

/// <summary>Textbook two-pass float64 statistics of a whole slice, recomputed from scratch on every call.</summary>
/// <remarks>
/// <para>The data are shifted by their first value (exact when the values are within a factor 2 of each other), the
/// mean is taken in a first pass, and the second pass sums squared deviations with the Chan-Golub-LeVeque correction
/// term −(Σd)²/n, which cancels the rounding error of the mean. This is the float64 reference the criteria must match.</para>
/// <para>The <c>Scaled</c> forms first divide the slice by 2^p, p the binary exponent of its largest magnitude, so that
/// the values lie in [1, 2) at most: dividing by a power of two is exact (for every value within 2^1000 of the
/// largest), and the squares neither overflow (values near 1e154 and above) nor underflow (near 1e-162 and below). They
/// return the result with p, or scale it back where the result itself is representable.</para>
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

    /// <summary>The population variance of <paramref name="values"/> as v·2^(2p): v is that of the values divided by 2^p.</summary>
    public static (double Variance, int Exponent) ScaledPopulationVariance(ReadOnlySpan<double> values)
    {
        int exponent = MaxExponent(values);
        return (PopulationVariance(Scale(values, -exponent)), exponent);
    }

    /// <summary>Var(<paramref name="numerator"/>) / Var(<paramref name="denominator"/>) from the scaled variances, or null
    /// when the denominator's variance is 0.</summary>
    public static double? VarianceRatio(ReadOnlySpan<double> numerator, ReadOnlySpan<double> denominator)
    {
        var (top, topExponent) = ScaledPopulationVariance(numerator);
        var (bottom, bottomExponent) = ScaledPopulationVariance(denominator);
        return bottom == 0 ? null : Math.ScaleB(top / bottom, 2 * (topExponent - bottomExponent));
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

    /// <summary><see cref="Slope"/> of the values divided by 2^p, multiplied back by 2^p (slope and scale).</summary>
    public static (double Slope, double Scale) ScaledSlope(ReadOnlySpan<double> values)
    {
        int exponent = MaxExponent(values);
        var (slope, scale) = Slope(Scale(values, -exponent));
        return (Math.ScaleB(slope, exponent), Math.ScaleB(scale, exponent));
    }

    /// <summary>The binary exponent of the largest magnitude of <paramref name="values"/> (0 when all are 0).</summary>
    public static int MaxExponent(ReadOnlySpan<double> values)
    {
        double largest = 0;
        foreach (double x in values)
        {
            largest = Math.Max(largest, Math.Abs(x));
        }

        return largest == 0 ? 0 : Math.ILogB(largest);
    }

    /// <summary>The values multiplied by 2^<paramref name="exponent"/>.</summary>
    public static double[] Scale(ReadOnlySpan<double> values, int exponent)
    {
        var scaled = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            scaled[i] = Math.ScaleB(values[i], exponent);
        }

        return scaled;
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
