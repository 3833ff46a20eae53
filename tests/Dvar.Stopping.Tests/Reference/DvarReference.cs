
namespace Dvar.Stopping.Tests.Reference;

/// <summary>DVAR straight from the specification (and the paper's Figure 3): at every k, recompute the population
/// variances of the last N values and of all k values by two passes, each in its scaled form (exact for any finite
/// values).</summary>
internal static class DvarReference
{
    public static ReferenceStep[] Run(double[] trace, int window, double alpha)
    {
        var steps = new ReferenceStep[trace.Length];
        for (int k = 1; k <= trace.Length; k++)
        {
            if (k < window)
            {
                steps[k - 1] = ReferenceStep.UndefinedBecause(UndefinedReason.TooFewValues);
                continue;
            }

            double? ratio = TwoPass.VarianceRatio(trace.AsSpan(k - window, window), trace.AsSpan(0, k));
            steps[k - 1] = ratio is double r
                ? new ReferenceStep(r, r < alpha)
                : ReferenceStep.UndefinedBecause(UndefinedReason.ConstantHistory);
        }

        return steps;
    }
}
