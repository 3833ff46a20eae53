using System.Globalization;
using System.Text;

namespace Dvar.Cli.Tests.Support;

/// <summary>Synthetic loss traces: a noisy exponential decay that settles, as a deterministic loss does.</summary>
internal static class Traces
{
    public static double[] Settling(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => 0.1 + Math.Exp(-i / 150.0) + 0.01 * (random.NextDouble() - 0.5))
            .ToArray();
    }

    /// <summary>A CSV with a step column, the values in <c>column</c> and a third column, in round-trip form.</summary>
    public static string Csv(IEnumerable<double> values, string column = "loss")
    {
        var text = new StringBuilder($"step,{column},lr\n");
        var step = 0;
        foreach (var value in values)
        {
            text.Append(CultureInfo.InvariantCulture, $"{step++},{value:R},0.001\n");
        }

        return text.ToString();
    }

    public static string BareList(IEnumerable<double> values) =>
        string.Concat(values.Select(v => v.ToString("R", CultureInfo.InvariantCulture) + "\n"));
}
