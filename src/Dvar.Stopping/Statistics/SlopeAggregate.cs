namespace Dvar.Stopping.Statistics;

/// <summary>Count, means and co-moment of (position, value) pairs, for the least-squares slope of values against
/// consecutive positions; positions and values are stored relative to a pair of the set.</summary>
/// <param name="Count">The number of pairs n.</param>
/// <param name="ShiftPosition">The position of a pair of the set, P.</param>
/// <param name="ShiftValue">The value of that pair, K.</param>
/// <param name="MeanPosition">mean(p) − P.</param>
/// <param name="MeanValue">mean(x) − K.</param>
/// <param name="CoMoment">C = Σ (p − mean(p))·(x − mean(x)).</param>
/// <remarks>
/// Merging: with δp = (P_b − P_a) + (p̄_b − p̄_a), δx = (K_b − K_a) + (x̄_b − x̄_a), n = n_a + n_b,
/// <c>C = C_a + C_b + δp·δx·n_a·n_b/n</c> (the pairwise co-moment update); no value is ever subtracted back out.
/// For n consecutive positions Σ (p − p̄)² = n(n² − 1)/12, so <see cref="Slope"/> = 12·C / (n(n² − 1)).
/// </remarks>
internal readonly record struct SlopeAggregate(
    long Count,
    long ShiftPosition,
    double ShiftValue,
    double MeanPosition,
    double MeanValue,
    double CoMoment) : IWindowAggregate<SlopeAggregate>
{
    /// <summary>Gets the least-squares slope of the values against their positions, assumed consecutive; NaN for n &lt; 2.</summary>
    public double Slope
    {
        get
        {
            double n = Count;
            return Count < 2 ? double.NaN : CoMoment / (n * ((n * n) - 1) / 12);
        }
    }

    /// <summary>The summary of one pair.</summary>
    /// <param name="value">The value.</param>
    /// <param name="position">Its position.</param>
    /// <returns>The summary.</returns>
    public static SlopeAggregate Of(double value, long position) => new(1, position, value, 0, 0, 0);

    /// <summary>The summary of both runs, keeping <paramref name="older"/>'s shift.</summary>
    /// <param name="older">A non-empty summary.</param>
    /// <param name="newer">A non-empty summary.</param>
    /// <returns>The merged summary.</returns>
    public static SlopeAggregate Merge(in SlopeAggregate older, in SlopeAggregate newer)
    {
        double olderCount = older.Count;
        double newerWeight = newer.Count / (olderCount + newer.Count);
        double deltaPosition = (newer.ShiftPosition - older.ShiftPosition) + (newer.MeanPosition - older.MeanPosition);
        double deltaValue = (newer.ShiftValue - older.ShiftValue) + (newer.MeanValue - older.MeanValue);
        return new SlopeAggregate(
            older.Count + newer.Count,
            older.ShiftPosition,
            older.ShiftValue,
            older.MeanPosition + (deltaPosition * newerWeight),
            older.MeanValue + (deltaValue * newerWeight),
            older.CoMoment + newer.CoMoment + (deltaPosition * deltaValue * olderCount * newerWeight));
    }
}
