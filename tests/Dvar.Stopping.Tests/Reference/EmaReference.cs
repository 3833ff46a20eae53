
namespace Dvar.Stopping.Tests.Reference;

/// <summary>EMA percentile straight from the specification: the EMA sequence, then M_k = (EMA_k − EMA_{k−n}) / EMA_{k−n}.
/// Computed on the trace divided by 2^p (p the exponent of its largest magnitude), which leaves M_k unchanged and
/// keeps every difference finite for any finite values.</summary>
internal static class EmaReference
{
    public static ReferenceStep[] Run(double[] trace, int lag, double smoothing, double threshold)
    {
        double[] scaled = TwoPass.Scale(trace, -TwoPass.MaxExponent(trace));
        var ema = new double[scaled.Length];
        var steps = new ReferenceStep[scaled.Length];
        for (int i = 0; i < scaled.Length; i++)
        {
            ema[i] = i == 0 ? scaled[0] : (smoothing * scaled[i]) + ((1 - smoothing) * ema[i - 1]);
            int k = i + 1;
            if (k <= lag)
            {
                steps[i] = ReferenceStep.UndefinedBecause(UndefinedReason.TooFewValues);
            }
            else if (ema[i - lag] == 0)
            {
                steps[i] = ReferenceStep.UndefinedBecause(UndefinedReason.ZeroReference);
            }
            else
            {
                double change = Math.Abs((ema[i] - ema[i - lag]) / ema[i - lag]);
                steps[i] = new ReferenceStep(change, change < threshold);
            }
        }

        return steps;
    }
}
