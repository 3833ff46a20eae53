using System.Globalization;

namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>The median, fastest and slowest of a phase's timed runs, in seconds.</summary>
internal readonly record struct Timing(double Median, double Min, double Max)
{
    public static Timing Of(double[] seconds)
    {
        var sorted = seconds.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        return new Timing(median, sorted[0], sorted[^1]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Median:F4} ({Min:F4}-{Max:F4})");
}
