namespace Dvar.Stopping.Tests.Reference;

/// <summary>DVAR straight from the specification (and the paper's Figure 3): at every k, recompute the population
/// variances of the last N values and of all k values by two passes.</summary>
internal static class DvarReference
{
    public static ReferenceStep[] Run(double[] trace, int window, double alpha)
    {
        var steps = new ReferenceStep[trace.Length];
        for (int k = 1; k <= trace.Length; k++)
        {
            if (k < window)
            {
                continue;
            }

            double running = TwoPass.PopulationVariance(trace.AsSpan(k - window, window));
            double total = TwoPass.PopulationVariance(trace.AsSpan(0, k));
            if (total == 0)
            {
                continue;
            }

            double ratio = running / total;
            steps[k - 1] = new ReferenceStep(ratio, ratio < alpha);
        }

        return steps;
    }
}
