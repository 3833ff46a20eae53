using System.Globalization;
using System.Text;
using Dvar.Cli.Tests.Support;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Training;
using SkiaSharp;

namespace Dvar.Cli.Tests.Plotting;

/// <summary>Training files for the plot tests, written by the library's own monitor where possible, and PNG readers that
/// do not use the code under test.</summary>
internal static class PlotFiles
{
    /// <summary>A noisy training loss around a plateau and a settling L_det (<see cref="Traces.Settling"/>).</summary>
    public static (double?[] TrainLoss, double[] DeterministicLoss) Run(int steps, int seed)
    {
        var random = new Random(seed);
        double[] det = Traces.Settling(steps, seed);
        double?[] train = [.. Enumerable.Range(0, steps).Select(i => i == 0 ? (double?)null : 0.1 + (0.3 * random.NextDouble() * random.NextDouble()))];
        return (train, det);
    }

    /// <summary>Writes history.csv the way a training run does: a <see cref="StoppingMonitor"/> with DVAR (window, α)
    /// fed step 0 (no training loss) and then one value per step.</summary>
    public static string History(string path, int steps, int window = 20, double threshold = 0.15, int seed = 3)
    {
        var (train, det) = Run(steps, seed);
        var monitor = new StoppingMonitor(new DvarCriterion(new DvarOptions { Window = window, Threshold = threshold }));
        for (int step = 0; step < steps; step++)
        {
            monitor.Observe(step, train[step], det[step]);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        monitor.SaveHistoryCsv(path);
        return path;
    }

    /// <summary>Writes a history whose statistic column is empty (as from a run that did not use DVAR, or another tool).</summary>
    public static string HistoryWithoutStatistic(string path, int steps, int seed = 3)
    {
        var (train, det) = Run(steps, seed);
        var text = new StringBuilder("step,train_loss,det_loss,statistic,stop\n");
        for (int step = 0; step < steps; step++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{step},{train[step]:R},{det[step]:R},,0\n");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Writes scores.csv as the trainer's scoring does: every <paramref name="every"/> steps.</summary>
    public static string Scores(string path, int steps, int every = 10, bool validation = true)
    {
        var text = new StringBuilder("step,train_img,val_img,val_txt\n");
        for (int step = 0; step < steps; step += every)
        {
            double t = 1 - Math.Exp(-step / 50.0);
            string vi = validation ? (0.5 + (0.2 * t)).ToString("R", CultureInfo.InvariantCulture) : string.Empty;
            string vt = validation ? (0.3 - (0.05 * t)).ToString("R", CultureInfo.InvariantCulture) : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"{step},{0.6 + (0.2 * t):R},{vi},{vt}\n");
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>The population variance of values[from..to) in two passes (numpy's var, ddof=0).</summary>
    public static double Variance(IReadOnlyList<double> values, int from, int to)
    {
        double mean = 0;
        for (int i = from; i < to; i++)
        {
            mean += values[i];
        }

        mean /= to - from;
        double sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += (values[i] - mean) * (values[i] - mean);
        }

        return sum / (to - from);
    }

    /// <summary>Decodes a PNG with SkiaSharp.</summary>
    public static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png) ?? throw new InvalidDataException("not a decodable image");

    /// <summary>The number of pixels in rows [top, bottom) that are clearly darker than white.</summary>
    public static int DarkPixels(SKBitmap bitmap, int top, int bottom)
    {
        int count = 0;
        for (int y = top; y < Math.Min(bottom, bitmap.Height); y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel.Red + pixel.Green + pixel.Blue < 3 * 160)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
