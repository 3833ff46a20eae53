using Dvar.Stopping.IO;
using Dvar.Stopping.TorchSharp.Tensors;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

/// <summary>One generated image: 8-bit RGB, row-major, three bytes a pixel, no alpha.</summary>
/// <remarks>Bytes are <c>round(255 · x)</c> of the decoded image <c>x = clamp(decoded / 2 + 0.5, 0, 1)</c> computed in float32,
/// as diffusers' <c>numpy_to_pil</c> does (ties round to even).</remarks>
public sealed class GeneratedImage
{
    private readonly byte[] _rgb;

    private GeneratedImage(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        _rgb = rgb;
    }

    /// <summary>Gets the width in pixels.</summary>
    public int Width { get; }

    /// <summary>Gets the height in pixels.</summary>
    public int Height { get; }

    /// <summary>Gets the pixels: <c>Width · Height · 3</c> bytes, row by row from the top, each pixel R, G, B.</summary>
    public ReadOnlyMemory<byte> Rgb => _rgb;

    /// <summary>Writes the image as a PNG file, atomically (a temporary file in the same folder, then a move over the target).</summary>
    /// <param name="path">The file to create or replace; its folder must exist.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var rgba = new byte[Width * Height * 4];
        for (int pixel = 0, at = 0; pixel < Width * Height; pixel++, at += 4)
        {
            rgba[at] = _rgb[pixel * 3];
            rgba[at + 1] = _rgb[(pixel * 3) + 1];
            rgba[at + 2] = _rgb[(pixel * 3) + 2];
            rgba[at + 3] = byte.MaxValue;
        }

        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba);
        using var pixmap = image.PeekPixels();
        using var png = pixmap.Encode(SKPngEncoderOptions.Default)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {Width}x{Height} PNG.");
        AtomicFile.Write(path, png.SaveTo);
    }

    /// <summary>Converts decoded images to 8-bit images.</summary>
    /// <param name="images">[N, 3, H, W] in [0, 1], any floating dtype and device.</param>
    /// <returns>N images.</returns>
    internal static IReadOnlyList<GeneratedImage> FromBatch(Tensor images)
    {
        using var scope = NewDisposeScope();
        var bytes = images.to(ScalarType.Float32, CPU).Times(255.0).round().ClampedTo(0, 255).to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        int count = (int)bytes.shape[0];
        int height = (int)bytes.shape[1];
        int width = (int)bytes.shape[2];
        int size = height * width * 3;
        var all = bytes.bytes;
        var result = new GeneratedImage[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = new GeneratedImage(width, height, all.Slice(i * size, size).ToArray());
        }

        return result;
    }
}
