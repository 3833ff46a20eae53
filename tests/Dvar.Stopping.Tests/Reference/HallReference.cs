
namespace Dvar.Stopping.Tests.Reference;

/// <summary>Hall straight from the specification: rescan the window for its max and min at every k and take
/// (max − min) / max on the window divided by 2^p (p the exponent of its largest magnitude, which leaves H unchanged
/// and keeps max − min finite for any finite values).</summary>
internal static class HallReference
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

            double[] values = TwoPass.Scale(trace.AsSpan(k - window, window), -TwoPass.MaxExponent(trace.AsSpan(k - window, window)));
            double max = values.Max();
            double min = values.Min();
            if (max > 0)
            {
                double hall = (max - min) / max;
                steps[k - 1] = new ReferenceStep(hall, hall < threshold);
            }
            else
            {
                steps[k - 1] = ReferenceStep.UndefinedBecause(UndefinedReason.NonPositiveMaximum);
            }
        }

        return steps;
    }
}
