
namespace Dvar.Stopping.Tests.Reference;

/// <summary>Traces at the ends of double's range: where a plain variance overflows (values near 1e154 and above; a
/// difference overflows near ±1.8e308) or underflows (near 1e-162 and below; 4e-320 is subnormal), and generated
/// traces moved there by an exact power of two.</summary>
internal static class ExtremeTraces
{
    /// <summary>The units of <see cref="Decay"/> and <see cref="Plateau"/>: from the largest to the subnormal.</summary>
    public static TheoryData<double> Units => new() { 1e300, 1e200, 1e160, 1.2e154, 1e-160, 1e-200, 1e-300, 4e-306 };

    /// <summary>A decaying loss at scale <paramref name="unit"/>: unit·(e^{−i/150} + 0.01·z).</summary>
    public static double[] Decay(double unit, int seed) => Traces.Decay(3_000, 0, unit, timescale: 150, noise: 0.01, seed);

    /// <summary>A loss settling on a plateau far from 0: unit·(1 + 0.2·e^{−i/150} + 0.001·z).</summary>
    public static double[] Plateau(double unit, int seed) => Traces.Decay(3_000, unit, 0.2 * unit, timescale: 150, noise: 0.005, seed);

    /// <summary>Values of both signs filling double's range: 1.7e308·(e^{−i/150}·cos(i/7) + 0.01·z)/1.02, so that the
    /// difference of two values overflows.</summary>
    public static double[] FullRange(int seed) =>
        [.. Traces.Normal(3_000, seed).Select((z, i) => 1.7e308 * (((Math.Exp(-i / 150.0) * Math.Cos(i / 7.0)) + (0.01 * Math.Clamp(z, -2, 2))) / 1.02))];

    /// <summary>The exponent j, derived from <paramref name="seed"/>, by which to multiply <paramref name="values"/>: in
    /// [−1000, 1000] and such that every non-zero value stays a normal double and the largest stays below 2^1020, so
    /// that the product is exact.</summary>
    public static int Exponent(double[] values, int seed)
    {
        double largest = values.Max(Math.Abs);
        double smallest = values.Where(v => v != 0).Select(Math.Abs).DefaultIfEmpty(1).Min();
        int low = Math.Max(-1000, largest == 0 ? -1000 : -1000 - Math.ILogB(smallest));
        int high = Math.Min(1000, largest == 0 ? 1000 : 1019 - Math.ILogB(largest));
        return low + (int)((uint)seed % (uint)(high - low + 1));
    }
}
