namespace Dvar.Stopping.TorchSharp.Imaging;

/// <summary>Pillow's <c>Image.resize</c> of 8-bit images with the <see cref="PillowFilter.Bicubic"/> or
/// <see cref="PillowFilter.Bilinear"/> filter, bit for bit (libImaging/Resample.c, unchanged since Pillow 4).</summary>
/// <remarks>
/// <para>Per axis: <c>scale = in / out</c>, <c>filterscale = max(scale, 1)</c>, <c>support = s · filterscale</c> with the filter's
/// support s (2 for the Keys cubic with a = −0.5, 1 for the bilinear triangle <c>max(0, 1 − |x|)</c>); downscaling widens the
/// kernel (antialiasing). Output i has <c>center = (i + 0.5) · scale</c>, taps <c>xmin = max(int(center − support + 0.5), 0)</c>
/// to <c>xmax = min(int(center + support + 0.5), in)</c> with weights <c>k((j + xmin − center + 0.5) / filterscale)</c>,
/// divided by their sum.</para>
/// <para>Weights become 22-bit fixed point (<c>int(w · 2²² ± 0.5)</c>, rounding away from zero); each output sums
/// <c>pixel · coefficient</c> from <c>2²¹</c> and is clipped (<c>≥ 2³⁰ → 255</c>, <c>≤ 0 → 0</c>, else <c>&gt;&gt; 22</c>). The
/// horizontal pass runs first and is stored as 8 bits, then the vertical pass; an axis whose size does not change is skipped,
/// so an image already at the target size is returned unchanged.</para>
/// </remarks>
internal static class PillowResampler
{
    private const int PrecisionBits = 22;

    /// <summary>Resizes an interleaved 8-bit image with one of Pillow's filters.</summary>
    /// <param name="pixels">Row-major <c>[height, width, channels]</c> bytes.</param>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <param name="channels">The number of interleaved channels.</param>
    /// <param name="newHeight">The output height (at least 1).</param>
    /// <param name="newWidth">The output width (at least 1).</param>
    /// <param name="filter">The resampling filter.</param>
    /// <returns>New <c>[newHeight, newWidth, channels]</c> bytes (a copy when the size does not change).</returns>
    public static byte[] Resize(ReadOnlySpan<byte> pixels, int height, int width, int channels, int newHeight, int newWidth, PillowFilter filter)
    {
        if (pixels.Length != (long)height * width * channels)
        {
            throw new ArgumentException($"Expected {height}x{width}x{channels} = {(long)height * width * channels} bytes; got {pixels.Length}.", nameof(pixels));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(newHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(newWidth, 1);
        byte[] current = pixels.ToArray();
        if (newWidth != width)
        {
            current = Horizontal(current, height, width, channels, newWidth, filter);
        }

        if (newHeight != height)
        {
            current = Vertical(current, height, newWidth, channels, newHeight, filter);
        }

        return current;
    }

    /// <summary>The Keys cubic kernel with a = −0.5.</summary>
    internal static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }

        if (x < 2.0)
        {
            return ((((x - 5) * x) + 8) * x - 4) * a;
        }

        return 0.0;
    }

    /// <summary>The bilinear (triangle) kernel.</summary>
    internal static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    /// <summary>The taps of every output position along one axis: first input index and fixed-point coefficients.</summary>
    internal static (int[] First, int[][] Coefficients) Coefficients(int inSize, int outSize, PillowFilter filter)
    {
        Func<double, double> kernel = filter switch
        {
            PillowFilter.Bicubic => Cubic,
            PillowFilter.Bilinear => Triangle,
            _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown filter."),
        };
        double scale = (double)inSize / outSize;
        double filterscale = Math.Max(scale, 1.0);
        double support = (filter == PillowFilter.Bicubic ? 2.0 : 1.0) * filterscale;
        double ss = 1.0 / filterscale;
        var first = new int[outSize];
        var coefficients = new int[outSize][];
        var weights = new double[(int)Math.Ceiling(support) * 2 + 1];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double sum = 0.0;
            for (int j = 0; j < xmax; j++)
            {
                double w = kernel((j + xmin - center + 0.5) * ss);
                weights[j] = w;
                sum += w;
            }

            var fixedPoint = new int[xmax];
            for (int j = 0; j < xmax; j++)
            {
                double w = sum != 0.0 ? weights[j] / sum : weights[j];
                double scaled = w * (1 << PrecisionBits);
                fixedPoint[j] = (int)(w < 0 ? scaled - 0.5 : scaled + 0.5);
            }

            first[i] = xmin;
            coefficients[i] = fixedPoint;
        }

        return (first, coefficients);
    }

    private static byte[] Horizontal(byte[] source, int height, int width, int channels, int newWidth, PillowFilter filter)
    {
        var (first, coefficients) = Coefficients(width, newWidth, filter);
        var result = new byte[height * newWidth * channels];
        for (int y = 0; y < height; y++)
        {
            int row = y * width * channels;
            for (int x = 0; x < newWidth; x++)
            {
                int[] k = coefficients[x];
                for (int c = 0; c < channels; c++)
                {
                    long sum = 1 << (PrecisionBits - 1);
                    for (int j = 0; j < k.Length; j++)
                    {
                        sum += source[row + ((first[x] + j) * channels) + c] * (long)k[j];
                    }

                    result[(((y * newWidth) + x) * channels) + c] = Clip8(sum);
                }
            }
        }

        return result;
    }

    private static byte[] Vertical(byte[] source, int height, int width, int channels, int newHeight, PillowFilter filter)
    {
        var (first, coefficients) = Coefficients(height, newHeight, filter);
        int stride = width * channels;
        var result = new byte[newHeight * stride];
        for (int y = 0; y < newHeight; y++)
        {
            int[] k = coefficients[y];
            for (int i = 0; i < stride; i++)
            {
                long sum = 1 << (PrecisionBits - 1);
                for (int j = 0; j < k.Length; j++)
                {
                    sum += source[((first[y] + j) * stride) + i] * (long)k[j];
                }

                result[(y * stride) + i] = Clip8(sum);
            }
        }

        return result;
    }

    /// <summary>Pillow's <c>clip8</c> of a fixed-point sum.</summary>
    private static byte Clip8(long sum)
    {
        if (sum >= 1L << (PrecisionBits + 8))
        {
            return 255;
        }

        return sum <= 0 ? (byte)0 : (byte)(sum >> PrecisionBits);
    }
}
