
namespace Dvar.Stopping.Tests.Reference;

/// <summary>Feeds a trace to a criterion and checks every decision against the specification's reference steps.</summary>
internal static class ReferenceAssert
{
    /// <summary>The relative tolerance on statistics: ours must be within 1e-9 of the two-pass reference.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>
    /// Checks, at every k: the observation index, the statistic (both null, for the same <see cref="UndefinedReason"/>,
    /// or within <see cref="Tolerance"/> relative to max(|reference|, scale)), and ShouldStop (true from the reference's first crossing on). Comparison ends at the first
    /// near-tie before the stop, a defined reference statistic within 1e-9 relative of the threshold, where the
    /// decision is not well defined in float64.
    /// </summary>
    /// <returns>The number of observations compared.</returns>
    public static int Matches(IStoppingCriterion criterion, double[] trace, ReferenceStep[] reference, double threshold)
    {
        long? firedAt = null;
        for (int i = 0; i < trace.Length; i++)
        {
            ReferenceStep expected = reference[i];
            if (firedAt is null && IsNearTie(expected.Statistic, threshold))
            {
                return i;
            }

            StopDecision decision = criterion.Observe(trace[i]);
            Assert.Equal(i + 1, decision.Observation);
            AssertClose(expected, decision.Statistic, i + 1);
            Assert.True(
                expected.Statistic is not null || expected.Undefined == decision.UndefinedReason,
                $"k = {i + 1}: expected the statistic undefined because of {expected.Undefined}, got {decision.UndefinedReason}.");
            firedAt ??= expected.Crossed ? i + 1 : null;
            Assert.True(
                (firedAt is not null) == decision.ShouldStop,
                $"k = {i + 1}: expected ShouldStop {firedAt is not null} (reference fired at {firedAt?.ToString() ?? "none"}), got {decision}.");
        }

        return trace.Length;
    }

    /// <summary>The first k at which the reference fires, or null, ignoring traces with a near-tie before it.</summary>
    public static long? FirstCrossing(ReferenceStep[] reference) =>
        Array.FindIndex(reference, step => step.Crossed) is int i and >= 0 ? i + 1 : null;

    /// <summary>Whether the reference has a near-tie with the threshold before it first fires.</summary>
    public static bool HasNearTie(ReferenceStep[] reference, double threshold)
    {
        foreach (ReferenceStep step in reference)
        {
            if (IsNearTie(step.Statistic, threshold))
            {
                return true;
            }

            if (step.Crossed)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Checks one statistic against the reference.</summary>
    public static void AssertClose(ReferenceStep expected, double? actual, long k)
    {
        if (expected.Statistic is null || actual is null)
        {
            Assert.True(
                expected.Statistic is null && actual is null,
                $"k = {k}: expected statistic {Show(expected.Statistic)}, got {Show(actual)}.");
            return;
        }

        double reference = expected.Statistic.Value;
        double allowed = Tolerance * Math.Max(Math.Abs(reference), expected.Scale);
        Assert.True(
            Math.Abs(actual.Value - reference) <= allowed,
            $"k = {k}: expected statistic {reference:R} ± {allowed:R}, got {actual.Value:R}.");
    }

    private static bool IsNearTie(double? statistic, double threshold) =>
        statistic is double s && Math.Abs(s - threshold) <= Tolerance * threshold;

    private static string Show(double? value) => value?.ToString("R") ?? "null";
}
