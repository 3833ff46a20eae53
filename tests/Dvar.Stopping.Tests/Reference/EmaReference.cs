namespace Dvar.Stopping.Tests.Reference;

/// <summary>EMA percentile straight from the specification: the EMA sequence, then M_k = (EMA_k − EMA_{k−n}) / EMA_{k−n}.</summary>
internal static class EmaReference
{
    public static ReferenceStep[] Run(double[] trace, int lag, double smoothing, double threshold)
    {
        var ema = new double[trace.Length];
        var steps = new ReferenceStep[trace.Length];
        for (int i = 0; i < trace.Length; i++)
        {
            ema[i] = i == 0 ? trace[0] : (smoothing * trace[i]) + ((1 - smoothing) * ema[i - 1]);
            int k = i + 1;
            if (k > lag && ema[i - lag] != 0)
            {
                double change = Math.Abs((ema[i] - ema[i - lag]) / ema[i - lag]);
                steps[i] = new ReferenceStep(change, change < threshold);
            }
        }

        return steps;
    }
}
