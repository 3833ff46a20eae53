namespace Dvar.Stopping.TorchSharp.Dino;

/// <summary>
/// Pillow's <c>Image.resize(size, resample=BILINEAR)</c> of 8-bit images, bit for bit: a separable triangle filter whose support
/// grows with the downscaling factor (antialiasing), fixed-point 8-bit arithmetic, horizontal pass first into an 8-bit
/// intermediate, then vertical.
/// </summary>
/// <remarks>
/// Facts of Pillow's resampling (libImaging/Resample.c, stable since Pillow 4): for an axis of <c>inSize</c> → <c>outSize</c>,
/// <c>scale = inSize / outSize</c>, <c>filterscale = max(scale, 1)</c>, <c>support = filterscale</c> (bilinear's support is 1);
/// output pixel i has centre <c>(i + 0.5)·scale</c>, taps <c>[trunc(centre - support + 0.5), trunc(centre + support + 0.5))</c>
/// clamped to the image, weights <c>max(0, 1 - |(x - centre + 0.5) / filterscale|)</c> normalised to sum 1, then converted to
/// integers with 22 fractional bits (rounded half away from zero); each output is <c>(2^21 + Σ w·p) &gt;&gt; 22</c> clamped to
/// 0..255. An axis whose size does not change is not filtered. Internal and small on purpose: the CLIP preprocessing (bicubic) has
/// its own; the two can share the coefficient code later.
/// </remarks>
internal static class PillowBilinear
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes planar 8-bit images.</summary>
    /// <param name="source">Planes of <paramref name="height"/> x <paramref name="width"/> bytes, one after another (e.g. C x H x W).</param>
    /// <param name="planes">The number of planes (channels times images).</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="outHeight">The output height.</param>
    /// <param name="outWidth">The output width.</param>
    /// <returns>Planes of <paramref name="outHeight"/> x <paramref name="outWidth"/> bytes.</returns>
    public static byte[] Resize(byte[] source, int planes, int height, int width, int outHeight, int outWidth)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Length != (long)planes * height * width)
        {
            throw new ArgumentException($"Expected {planes} x {height} x {width} bytes; got {source.Length}.", nameof(source));
        }

        byte[] horizontal = width == outWidth ? source : Pass(source, planes, height, width, outWidth, horizontal: true);
        return height == outHeight ? horizontal : Pass(horizontal, planes, height, outWidth, outHeight, horizontal: false);
    }

    /// <summary>Filters one axis: the width when <paramref name="horizontal"/>, else the height.</summary>
    private static byte[] Pass(byte[] input, int planes, int height, int width, int outSize, bool horizontal)
    {
        int inSize = horizontal ? width : height;
        var (bounds, weights, taps) = Coefficients(inSize, outSize);
        int outHeight = horizontal ? height : outSize;
        int outWidth = horizontal ? outSize : width;
        var output = new byte[planes * outHeight * outWidth];
        for (int plane = 0; plane < planes; plane++)
        {
            int inBase = plane * height * width;
            int outBase = plane * outHeight * outWidth;
            for (int y = 0; y < outHeight; y++)
            {
                for (int x = 0; x < outWidth; x++)
                {
                    int i = horizontal ? x : y;
                    int first = bounds[2 * i];
                    int count = bounds[(2 * i) + 1];
                    int sum = 1 << (PrecisionBits - 1);
                    for (int k = 0; k < count; k++)
                    {
                        int pixel = horizontal
                            ? input[inBase + (y * width) + first + k]
                            : input[inBase + ((first + k) * width) + x];
                        sum += pixel * weights[(i * taps) + k];
                    }

                    output[outBase + (y * outWidth) + x] = Clip8(sum);
                }
            }
        }

        return output;
    }

    /// <summary>The first tap and tap count of every output pixel, and its fixed-point weights (<paramref name="outSize"/> x taps).</summary>
    private static (int[] Bounds, int[] Weights, int Taps) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale; // bilinear support 1.0 times filterscale
        int taps = ((int)Math.Ceiling(support) * 2) + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * taps];
        var k = new double[taps];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            double invScale = 1.0 / filterScale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int max = Math.Min((int)(center + support + 0.5), inSize) - min;
            double total = 0;
            for (int x = 0; x < max; x++)
            {
                double w = Triangle((x + min - center + 0.5) * invScale);
                k[x] = w;
                total += w;
            }

            for (int x = 0; x < max; x++)
            {
                double normalized = total != 0 ? k[x] / total : k[x];
                double scaled = normalized * (1 << PrecisionBits);
                weights[(i * taps) + x] = normalized < 0 ? (int)(-0.5 + scaled) : (int)(0.5 + scaled);
            }

            bounds[2 * i] = min;
            bounds[(2 * i) + 1] = max;
        }

        return (bounds, weights, taps);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static byte Clip8(int value)
    {
        int shifted = value >> PrecisionBits;
        return (byte)Math.Clamp(shifted, 0, 255);
    }
}
