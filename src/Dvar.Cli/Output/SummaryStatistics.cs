namespace Dvar.Cli.Output;

/// <summary>The few statistics the demo and the evaluation report, written out plainly.</summary>
internal static class SummaryStatistics
{
    /// <summary>The Pearson correlation of two equally long series (two-pass).</summary>
    /// <param name="x">The first series.</param>
    /// <param name="y">The second series.</param>
    /// <returns>r in [-1, 1]; NaN with fewer than 2 points or a constant series.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"The series have {x.Count} and {y.Count} values; they must be equally long.", nameof(y));
        }

        if (x.Count < 2)
        {
            return double.NaN;
        }

        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>The mean and the sample standard deviation (n - 1; 0 for one value), as the paper's "mean ± std".</summary>
    /// <param name="values">The values.</param>
    /// <returns>The mean and the standard deviation; NaN for no values.</returns>
    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        double mean = values.Average();
        double std = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return (mean, std);
    }
}
