
namespace Dvar.Stopping.Tests.Reference;

/// <summary>Trend straight from the specification: the two-pass least-squares slope of the window at every k, in its
/// scaled form (exact for any finite values).</summary>
internal static class TrendReference
{
    public static ReferenceStep[] Run(double[] trace, int window, double threshold)
    {
        var steps = new ReferenceStep[trace.Length];
        for (int k = 1; k <= trace.Length; k++)
        {
            if (k < window)
            {
                steps[k - 1] = ReferenceStep.UndefinedBecause(UndefinedReason.TooFewValues);
                continue;
            }

            var (slope, scale) = TwoPass.ScaledSlope(trace.AsSpan(k - window, window));
            steps[k - 1] = new ReferenceStep(Math.Abs(slope), Math.Abs(slope) < threshold, scale);
        }

        return steps;
    }
}
