namespace Dvar.Stopping.Statistics;

/// <summary>Count, mean and second central moment of a set of values, stored relative to a shift taken from the set.</summary>
/// <param name="Count">The number of values n.</param>
/// <param name="Shift">A value of the set, K; the other fields are of the shifted values y = x − K.</param>
/// <param name="Mean">The mean of y: mean(x) − K.</param>
/// <param name="M2">The sum of squared deviations Σ (x − mean(x))², ≥ 0.</param>
/// <remarks>
/// <para>Normaliser: <see cref="PopulationVariance"/> divides M2 by n (population variance, numpy <c>ddof=0</c>); on a
/// subset it is therefore the biased estimator.</para>
/// <para>Merging (Chan, Golub &amp; LeVeque): with δ = (K_b − K_a) + (ȳ_b − ȳ_a), n = n_a + n_b,
/// <c>ȳ = ȳ_a + δ·n_b/n</c> and <c>M2 = M2_a + M2_b + δ²·n_a·n_b/n</c>, keeping K_a. Every term is ≥ 0, so M2 never goes
/// negative and nothing cancels. Adding one value this way is Welford's update on shifted data. Because K is a value of
/// the set, (K − mean)² ≤ n·Var, so the shift bounds the mean's rounding error relative to the spread: a loss of 1e6
/// varying by 1e-6 is summarised as precisely as one of 0 varying by 1e-6 (the x − K are exact there, by Sterbenz).</para>
/// </remarks>
internal readonly record struct MomentAggregate(long Count, double Shift, double Mean, double M2)
    : IWindowAggregate<MomentAggregate>
{
    /// <summary>Gets the population variance M2 / n (divide by the count), clamped at 0; NaN for an empty set.</summary>
    public double PopulationVariance => Count == 0 ? double.NaN : Math.Max(0, M2 / Count);

    /// <summary>The summary of one value: n = 1, K = value, mean offset 0, M2 = 0.</summary>
    /// <param name="value">The value.</param>
    /// <param name="position">Unused: moments do not depend on positions.</param>
    /// <returns>The summary.</returns>
    public static MomentAggregate Of(double value, long position) => new(1, value, 0, 0);

    /// <summary>The summary of both runs (Chan et al.'s pairwise update), keeping <paramref name="older"/>'s shift.</summary>
    /// <param name="older">A non-empty summary.</param>
    /// <param name="newer">A non-empty summary.</param>
    /// <returns>The merged summary.</returns>
    public static MomentAggregate Merge(in MomentAggregate older, in MomentAggregate newer)
    {
        double olderCount = older.Count;
        double newerWeight = newer.Count / (olderCount + newer.Count);
        double delta = (newer.Shift - older.Shift) + (newer.Mean - older.Mean);
        return new MomentAggregate(
            older.Count + newer.Count,
            older.Shift,
            older.Mean + (delta * newerWeight),
            older.M2 + newer.M2 + (delta * delta * olderCount * newerWeight));
    }

    /// <summary>The summary with <paramref name="value"/> added (Welford's update on data shifted by the first value).</summary>
    /// <param name="value">The value to add (finite).</param>
    /// <returns>The new summary; the first value added becomes the shift.</returns>
    public MomentAggregate Add(double value) => Count == 0 ? Of(value, 0) : Merge(this, Of(value, 0));
}
