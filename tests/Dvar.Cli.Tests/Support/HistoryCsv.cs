using System.Globalization;

namespace Dvar.Cli.Tests.Support;

/// <summary>Reads the monitor's <c>history.csv</c> (<c>step,train_loss,det_loss,statistic,stop</c>).</summary>
internal static class HistoryCsv
{
    public static IReadOnlyList<(long Step, double DeterministicLoss, bool Stop)> Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("step,train_loss,det_loss,statistic,stop", lines[0]);
        return [.. lines.Skip(1).Select(line => line.Split(',')).Select(cells => (
            long.Parse(cells[0], CultureInfo.InvariantCulture),
            double.Parse(cells[2], CultureInfo.InvariantCulture),
            cells[4] == "1"))];
    }
}
