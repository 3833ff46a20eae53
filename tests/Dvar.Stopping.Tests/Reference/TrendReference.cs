namespace Dvar.Stopping.Tests.Reference;

/// <summary>Trend straight from the specification: the two-pass least-squares slope of the window at every k.</summary>
internal static class TrendReference
{
    public static ReferenceStep[] Run(double[] trace, int window, double threshold)
    {
        var steps = new ReferenceStep[trace.Length];
        for (int k = window; k <= trace.Length; k++)
        {
            var (slope, scale) = TwoPass.Slope(trace.AsSpan(k - window, window));
            steps[k - 1] = new ReferenceStep(Math.Abs(slope), Math.Abs(slope) < threshold, scale);
        }

        return steps;
    }
}
