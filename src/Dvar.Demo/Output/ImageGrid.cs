using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Demo.Output;

/// <summary>Lays images out in a grid, each enlarged by an integer factor without smoothing (so that 32-pixel pictures stay
/// crisp), with a gap between cells.</summary>
public static class ImageGrid
{
    /// <summary>Lays out a batch of images row by row.</summary>
    /// <param name="images">[n, 3, h, w] in [-1, 1] (values outside are clamped).</param>
    /// <param name="columns">Images per row (at least 1).</param>
    /// <param name="scale">The enlargement factor (at least 1).</param>
    /// <param name="gap">Pixels between cells (at least 0), filled with <paramref name="gapColor"/>.</param>
    /// <param name="gapColor">The gap colour (default white).</param>
    /// <returns>The grid.</returns>
    /// <exception cref="ArgumentException"><paramref name="images"/> is not [n, 3, h, w] with n ≥ 1.</exception>
    public static RgbImage FromBatch(Tensor images, int columns, int scale = 1, int gap = 2, (byte R, byte G, byte B)? gapColor = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.ndim != 4 || images.shape[1] != 3 || images.shape[0] < 1)
        {
            throw new ArgumentException($"images must be [n, 3, h, w] with n >= 1; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        return FromImages(ToImages(images), columns, scale, gap, gapColor);
    }

    /// <summary>Lays out images row by row; a null entry leaves its cell empty.</summary>
    /// <param name="images">The images (all the same size).</param>
    /// <param name="columns">Images per row (at least 1).</param>
    /// <param name="scale">The enlargement factor (at least 1).</param>
    /// <param name="gap">Pixels between cells (at least 0).</param>
    /// <param name="gapColor">The gap colour (default white).</param>
    /// <returns>The grid.</returns>
    /// <exception cref="ArgumentException">No image is given, or they differ in size.</exception>
    public static RgbImage FromImages(IReadOnlyList<RgbImage?> images, int columns, int scale = 1, int gap = 2, (byte R, byte G, byte B)? gapColor = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        var first = images.FirstOrDefault(i => i is not null) ?? throw new ArgumentException("At least one image is needed.", nameof(images));
        if (images.Any(i => i is not null && (i.Width != first.Width || i.Height != first.Height)))
        {
            throw new ArgumentException($"All images must be {first.Width}x{first.Height}.", nameof(images));
        }

        int rows = (images.Count + columns - 1) / columns;
        int cellW = first.Width * scale, cellH = first.Height * scale;
        int width = (columns * cellW) + ((columns + 1) * gap);
        int height = (rows * cellH) + ((rows + 1) * gap);
        var (gr, gg, gb) = gapColor ?? ((byte)255, (byte)255, (byte)255);
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = gr;
            rgb[i + 1] = gg;
            rgb[i + 2] = gb;
        }

        for (int k = 0; k < images.Count; k++)
        {
            if (images[k] is not { } image)
            {
                continue;
            }

            int x0 = gap + ((k % columns) * (cellW + gap));
            int y0 = gap + ((k / columns) * (cellH + gap));
            for (int y = 0; y < cellH; y++)
            {
                for (int x = 0; x < cellW; x++)
                {
                    int s = (((y / scale) * image.Width) + (x / scale)) * 3;
                    int d = (((y0 + y) * width) + x0 + x) * 3;
                    rgb[d] = image.Rgb[s];
                    rgb[d + 1] = image.Rgb[s + 1];
                    rgb[d + 2] = image.Rgb[s + 2];
                }
            }
        }

        return new RgbImage(width, height, rgb);
    }

    /// <summary>Converts a batch in [-1, 1] to images.</summary>
    /// <param name="images">[n, 3, h, w].</param>
    /// <returns>The images.</returns>
    public static IReadOnlyList<RgbImage> ToImages(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        var bytes = images.detach().to(CPU).to_type(ScalarType.Float32).ClampedTo(-1, 1).Plus(1).Times(127.5).round().to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        int n = (int)bytes.shape[0], h = (int)bytes.shape[1], w = (int)bytes.shape[2];
        var all = bytes.data<byte>().ToArray();
        var result = new RgbImage[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = new RgbImage(w, h, all[(i * h * w * 3)..((i + 1) * h * w * 3)]);
        }

        return result;
    }
}
