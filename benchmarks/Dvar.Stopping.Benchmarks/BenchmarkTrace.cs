namespace Dvar.Stopping.Benchmarks;

/// <summary>The pre-generated loss trace every benchmark feeds: a plateau 1 + 0.01·z with standard normal z, on which
/// DVAR's ratio stays near 1, so criteria run their full update at every value (firing changes no cost anyway).</summary>
internal static class BenchmarkTrace
{
    public static double[] Create(int length)
    {
        var random = new Random(20_240_601);
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = 1 + (0.01 * z);
        }

        return values;
    }
}
