
namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data.Reference;

/// <summary>
/// PIL's 8-bit <c>Image.resize(size, BICUBIC)</c>, written naively in float64 from its definition: the Keys cubic with
/// a = -0.5, support 2 widened by the downscale factor, taps at <c>floor(center ± support + 0.5)</c> clipped to the image,
/// weights normalised to sum 1; width first, rounded half up and clamped to [0, 255], then height, rounded again.
/// </summary>
internal static class PilBicubicReference
{
    /// <summary>Resizes [y, x, c] pixels to <paramref name="outHeight"/> x <paramref name="outWidth"/>.</summary>
    public static byte[,,] Resize(byte[,,] pixels, int outHeight, int outWidth) =>
        Transpose(AlongWidth(Transpose(AlongWidth(pixels, outWidth)), outHeight));

    /// <summary>One pass: every row of every channel resampled to <paramref name="outWidth"/>, then rounded to 8 bits.</summary>
    private static byte[,,] AlongWidth(byte[,,] pixels, int outWidth)
    {
        int height = pixels.GetLength(0);
        int width = pixels.GetLength(1);
        var result = new byte[height, outWidth, 3];
        for (int y = 0; y < height; y++)
        {
            for (int c = 0; c < 3; c++)
            {
                double[] row = Resample(Enumerable.Range(0, width).Select(x => (double)pixels[y, x, c]).ToArray(), outWidth);
                for (int x = 0; x < outWidth; x++)
                {
                    result[y, x, c] = Clip8(row[x]);
                }
            }
        }

        return result;
    }

    private static byte[,,] Transpose(byte[,,] pixels)
    {
        var result = new byte[pixels.GetLength(1), pixels.GetLength(0), 3];
        for (int y = 0; y < pixels.GetLength(0); y++)
        {
            for (int x = 0; x < pixels.GetLength(1); x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    result[x, y, c] = pixels[y, x, c];
                }
            }
        }

        return result;
    }

    private static double[] Resample(double[] line, int outSize)
    {
        double scale = (double)line.Length / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = 2.0 * filterScale;
        var result = new double[outSize];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int first = Math.Max((int)Math.Floor(center - support + 0.5), 0);
            int last = Math.Min((int)Math.Floor(center + support + 0.5), line.Length);
            double sum = 0;
            double weights = 0;
            for (int j = first; j < last; j++)
            {
                double w = Keys((j - center + 0.5) / filterScale);
                sum += w * line[j];
                weights += w;
            }

            result[i] = sum / weights;
        }

        return result;
    }

    private static double Keys(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1)
        {
            return ((((a + 2) * x) - (a + 3)) * x * x) + 1;
        }

        return x < 2 ? ((((x - 5) * x) + 8) * x - 4) * a : 0;
    }

    private static byte Clip8(double value) => (byte)Math.Clamp(Math.Floor(value + 0.5), 0, 255);
}
