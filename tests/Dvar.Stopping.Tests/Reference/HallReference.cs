namespace Dvar.Stopping.Tests.Reference;

/// <summary>Hall straight from the specification: rescan the window for its max and min at every k.</summary>
internal static class HallReference
{
    public static ReferenceStep[] Run(double[] trace, int window, double threshold)
    {
        var steps = new ReferenceStep[trace.Length];
        for (int k = window; k <= trace.Length; k++)
        {
            ArraySegment<double> values = new(trace, k - window, window);
            double max = values.Max();
            double min = values.Min();
            if (max > 0)
            {
                double hall = (max - min) / max;
                steps[k - 1] = new ReferenceStep(hall, hall < threshold);
            }
        }

        return steps;
    }
}
