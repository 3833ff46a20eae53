namespace Dvar.Stopping.Statistics;

/// <summary>Count, mean and second central moment of a set of values, stored relative to a shift taken from the set and
/// in a power-of-two unit taken from the set's magnitude.</summary>
/// <param name="Count">The number of values n.</param>
/// <param name="Shift">A value of the set, K, in units of 2^s: K·2^−s (exact: see <see cref="PowerOfTwoScale"/>). The
/// other fields are of the shifted values y = x − K.</param>
/// <param name="Scale">The unit exponent s (<see cref="PowerOfTwoScale"/>), the unit of the set's largest magnitude.</param>
/// <param name="Mean">The mean of y in units of 2^s: (mean(x) − K)·2^−s.</param>
/// <param name="M2">The sum of squared deviations in units of 2^(2s): Σ ((x − mean(x))·2^−s)², ≥ 0.</param>
/// <remarks>
/// <para>Normaliser: <see cref="PopulationVariance"/> divides M2 by n (population variance, numpy <c>ddof=0</c>); on a
/// subset it is therefore the biased estimator.</para>
/// <para>Merging (Chan, Golub &amp; LeVeque): with both summaries in the same unit, δ = (K_b − K_a) + (ȳ_b − ȳ_a),
/// n = n_a + n_b, <c>ȳ = ȳ_a + δ·n_b/n</c> and <c>M2 = M2_a + M2_b + δ²·n_a·n_b/n</c>, keeping K_a. Every term is ≥ 0,
/// so M2 never goes negative and nothing cancels. Adding one value this way is Welford's update on shifted data.
/// Because K is a value of the set, (K − mean)² ≤ n·Var, so the shift bounds the mean's rounding error relative to the
/// spread: a loss of 1e6 varying by 1e-6 is summarised as precisely as one of 0 varying by 1e-6 (the x − K are exact
/// there, by Sterbenz).</para>
/// <para>Range: in the unit of the set every value is below 2^64, so δ² and M2 stay far from overflow and from
/// underflow for any finite input, 1e-300 and 1e300 alike (a plain δ² overflows above about 1e154 and underflows below
/// about 1e-162). Summaries in different units are first brought to the larger one, multiplying by exact powers of two.
/// When the units agree (always, for values between 2^−32 and 2^32, whose unit is 2^0) the update is the unscaled one,
/// operation for operation, so it costs one integer comparison more; and because scaling by a power of two commutes with
/// rounding, a trace multiplied by 2^j gives the same ratios bit for bit.</para>
/// </remarks>
internal readonly record struct MomentAggregate(long Count, double Shift, int Scale, double Mean, double M2)
    : IWindowAggregate<MomentAggregate>
{
    /// <summary>Gets the population variance M2 / n (divide by the count) in the values' own units; NaN for an empty set.</summary>
    /// <remarks>+Infinity when the variance itself exceeds double's range (values above about 1e154): compare variances
    /// with <see cref="VarianceRatio"/>, which never overflows.</remarks>
    public double PopulationVariance => Count == 0 ? double.NaN : Math.ScaleB(M2 / Count, 2 * Scale);

    /// <summary>The summary of one value: n = 1, the value's unit s, K = value·2^−s (exact), mean offset 0, M2 = 0.</summary>
    /// <param name="value">The value.</param>
    /// <param name="position">Unused: moments do not depend on positions.</param>
    /// <returns>The summary.</returns>
    public static MomentAggregate Of(double value, long position)
    {
        int scale = PowerOfTwoScale.Of(value);
        return new(1, value * PowerOfTwoScale.Power(-scale), scale, 0, 0);
    }

    /// <summary>The summary of both runs (Chan et al.'s pairwise update), keeping <paramref name="older"/>'s shift.</summary>
    /// <param name="older">A non-empty summary.</param>
    /// <param name="newer">A non-empty summary.</param>
    /// <returns>The merged summary, in the larger of the two units.</returns>
    public static MomentAggregate Merge(in MomentAggregate older, in MomentAggregate newer)
    {
        int scale = older.Scale;
        double olderShift = older.Shift;
        double olderMean = older.Mean;
        double olderM2 = older.M2;
        double newerShift = newer.Shift;
        double newerMean = newer.Mean;
        double newerM2 = newer.M2;
        if (newer.Scale != scale)
        {
            // Both in the larger unit: multiplying by 2^(s_a − s) and 2^(s_b − s) is exact (a difference below −1022 is
            // taken as −1022: the products are then negligible either way). Units rarely differ, and when they agree
            // the update below is the unscaled one, operation for operation.
            scale = Math.Max(older.Scale, newer.Scale);
            double olderFactor = PowerOfTwoScale.Power(Math.Max(older.Scale - scale, -1022));
            double newerFactor = PowerOfTwoScale.Power(Math.Max(newer.Scale - scale, -1022));
            olderShift *= olderFactor;
            olderMean *= olderFactor;
            olderM2 *= olderFactor * olderFactor;
            newerShift *= newerFactor;
            newerMean *= newerFactor;
            newerM2 *= newerFactor * newerFactor;
        }

        double olderCount = older.Count;
        double newerWeight = newer.Count / (olderCount + newer.Count);
        double delta = (newerShift - olderShift) + (newerMean - olderMean);
        return new MomentAggregate(
            older.Count + newer.Count,
            olderShift,
            scale,
            olderMean + (delta * newerWeight),
            olderM2 + newerM2 + (delta * delta * olderCount * newerWeight));
    }

    /// <summary>Var(<paramref name="numerator"/>) / Var(<paramref name="denominator"/>) (population variances), computed
    /// from the scaled moments so that it neither overflows nor underflows where the ratio itself is representable.</summary>
    /// <param name="numerator">A non-empty summary.</param>
    /// <param name="denominator">A non-empty summary with M2 &gt; 0.</param>
    /// <returns>The ratio of the variances.</returns>
    public static double VarianceRatio(in MomentAggregate numerator, in MomentAggregate denominator)
    {
        double ratio = (numerator.M2 / numerator.Count) / (denominator.M2 / denominator.Count);
        return numerator.Scale == denominator.Scale ? ratio : Math.ScaleB(ratio, 2 * (numerator.Scale - denominator.Scale));
    }

    /// <summary>The summary with <paramref name="value"/> added (Welford's update on data shifted by the first value).</summary>
    /// <param name="value">The value to add (finite).</param>
    /// <returns>The new summary; the first value added becomes the shift.</returns>
    public MomentAggregate Add(double value) => Count == 0 ? Of(value, 0) : Merge(this, Of(value, 0));
}
