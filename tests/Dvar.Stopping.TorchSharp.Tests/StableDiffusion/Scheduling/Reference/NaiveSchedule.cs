
namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling.Reference;

/// <summary>The diffusers beta schedules written out in float64 from their formulas.</summary>
internal static class NaiveSchedule
{
    /// <summary>β_i = β_start + (β_end − β_start) · i / (T − 1).</summary>
    public static double[] LinearBetas(double start, double end, int steps) =>
        [.. Enumerable.Range(0, steps).Select(i => start + ((end - start) * i / (steps - 1)))];

    /// <summary>β_i = (√β_start + (√β_end − √β_start) · i / (T − 1))².</summary>
    public static double[] ScaledLinearBetas(double start, double end, int steps) =>
        [.. LinearBetas(Math.Sqrt(start), Math.Sqrt(end), steps).Select(r => r * r)];

    /// <summary>β_i = min(1 − ᾱ((i+1)/T) / ᾱ(i/T), 0.999), ᾱ(t) = cos²((t + 0.008)/1.008 · π/2).</summary>
    public static double[] SquaredCosineBetas(int steps)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        return [.. Enumerable.Range(0, steps).Select(i => Math.Min(1 - (AlphaBar((i + 1.0) / steps) / AlphaBar((double)i / steps)), 0.999))];
    }

    /// <summary>ᾱ_t = ∏_{s≤t} (1 − β_s).</summary>
    public static double[] AlphasCumprod(IEnumerable<double> betas)
    {
        var product = 1.0;
        return [.. betas.Select(b => product *= 1 - b)];
    }
}
