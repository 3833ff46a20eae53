namespace Dvar.Stopping.Statistics;

/// <summary>Count, means and co-moment of (position, value) pairs, for the least-squares slope of values against
/// consecutive positions; positions and values are stored relative to a pair of the set, values in a power-of-two unit
/// taken from the set's magnitude.</summary>
/// <param name="Count">The number of pairs n.</param>
/// <param name="ShiftPosition">The position of a pair of the set, P.</param>
/// <param name="ShiftValue">The value of that pair, K, in units of 2^s: K·2^−s (exact: see <see cref="PowerOfTwoScale"/>).</param>
/// <param name="Scale">The unit exponent s of the values (<see cref="PowerOfTwoScale"/>); positions are not scaled.</param>
/// <param name="MeanPosition">mean(p) − P.</param>
/// <param name="MeanValue">(mean(x) − K)·2^−s.</param>
/// <param name="CoMoment">C = Σ (p − mean(p))·(x − mean(x))·2^−s.</param>
/// <remarks>
/// Merging, with both summaries in the same unit (brought to the larger one by exact powers of two where they differ):
/// with δp = (P_b − P_a) + (p̄_b − p̄_a), δx = (K_b − K_a) + (x̄_b − x̄_a), n = n_a + n_b,
/// <c>C = C_a + C_b + δp·δx·n_a·n_b/n</c> (the pairwise co-moment update); no value is ever subtracted back out. For n
/// consecutive positions Σ (p − p̄)² = n(n² − 1)/12, so <see cref="Slope"/> = 12·C / (n(n² − 1))·2^s. In the unit every
/// value is below 2^64, so nothing overflows for any finite input; where the units agree (always for values between
/// 2^−32 and 2^32) the update is the unscaled one, operation for operation.
/// </remarks>
internal readonly record struct SlopeAggregate(
    long Count,
    long ShiftPosition,
    double ShiftValue,
    int Scale,
    double MeanPosition,
    double MeanValue,
    double CoMoment) : IWindowAggregate<SlopeAggregate>
{
    /// <summary>Gets the least-squares slope of the values against their positions, assumed consecutive; NaN for n &lt; 2.</summary>
    /// <remarks>±Infinity only when the slope itself exceeds double's range (a rise of more than about 1.8e308 per
    /// position).</remarks>
    public double Slope
    {
        get
        {
            double n = Count;
            if (Count < 2)
            {
                return double.NaN;
            }

            double slope = CoMoment / (n * ((n * n) - 1) / 12);
            return Scale == 0 ? slope : Math.ScaleB(slope, Scale);
        }
    }

    /// <summary>The summary of one pair, in the value's own unit.</summary>
    /// <param name="value">The value.</param>
    /// <param name="position">Its position.</param>
    /// <returns>The summary.</returns>
    public static SlopeAggregate Of(double value, long position)
    {
        int scale = PowerOfTwoScale.Of(value);
        return new(1, position, value * PowerOfTwoScale.Power(-scale), scale, 0, 0, 0);
    }

    /// <summary>The summary of both runs, keeping <paramref name="older"/>'s shift.</summary>
    /// <param name="older">A non-empty summary.</param>
    /// <param name="newer">A non-empty summary.</param>
    /// <returns>The merged summary, in the larger of the two units.</returns>
    public static SlopeAggregate Merge(in SlopeAggregate older, in SlopeAggregate newer)
    {
        int scale = older.Scale;
        double olderShiftValue = older.ShiftValue;
        double olderMeanValue = older.MeanValue;
        double olderCoMoment = older.CoMoment;
        double newerShiftValue = newer.ShiftValue;
        double newerMeanValue = newer.MeanValue;
        double newerCoMoment = newer.CoMoment;
        if (newer.Scale != scale)
        {
            // Both in the larger unit (see MomentAggregate.Merge): exact powers of two, rarely needed.
            scale = Math.Max(older.Scale, newer.Scale);
            double olderFactor = PowerOfTwoScale.Power(Math.Max(older.Scale - scale, -1022));
            double newerFactor = PowerOfTwoScale.Power(Math.Max(newer.Scale - scale, -1022));
            olderShiftValue *= olderFactor;
            olderMeanValue *= olderFactor;
            olderCoMoment *= olderFactor;
            newerShiftValue *= newerFactor;
            newerMeanValue *= newerFactor;
            newerCoMoment *= newerFactor;
        }

        double olderCount = older.Count;
        double newerWeight = newer.Count / (olderCount + newer.Count);
        double deltaPosition = (newer.ShiftPosition - older.ShiftPosition) + (newer.MeanPosition - older.MeanPosition);
        double deltaValue = (newerShiftValue - olderShiftValue) + (newerMeanValue - olderMeanValue);
        return new SlopeAggregate(
            older.Count + newer.Count,
            older.ShiftPosition,
            olderShiftValue,
            scale,
            older.MeanPosition + (deltaPosition * newerWeight),
            olderMeanValue + (deltaValue * newerWeight),
            olderCoMoment + newerCoMoment + (deltaPosition * deltaValue * olderCount * newerWeight));
    }
}
