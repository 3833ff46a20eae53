using Dvar.Stopping.TorchSharp.Clip;
using static TorchSharp.torch;

namespace Dvar.Cli.Tests.Support;

/// <summary>The paper's paired CLIP image score computed from image files, as the authors' code scores PIL images: decode,
/// CLIP preprocessing, image features, cosine of sample i with reference i mod n, mean.</summary>
internal static class ClipFiles
{
    public static double PairedCosine(string clipFolder, IReadOnlyList<string> samples, IReadOnlyList<string> references)
    {
        using var metric = ClipMetric.FromPretrained(clipFolder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var s = Features(metric, samples);
        var r = Features(metric, references);
        double sum = 0;
        for (int i = 0; i < s.Length; i++)
        {
            sum += Cosine(s[i], r[i % r.Length]);
        }

        return sum / s.Length;
    }

    private static double[][] Features(ClipMetric metric, IReadOnlyList<string> files)
    {
        var pixels = metric.Processor.PreprocessFiles(files);
        var features = metric.Model.ImageFeatures(pixels).to_type(ScalarType.Float64);
        return [.. Enumerable.Range(0, files.Count).Select(i => features[i].data<double>().ToArray())];
    }

    private static double Cosine(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
