using SkiaSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>Decodes one image file into upright 8-bit RGB pixels.</summary>
/// <remarks>
/// SkiaSharp decodes JPEG, PNG and WebP (the first frame of an animation) to unpremultiplied RGBA without colour management
/// (embedded ICC profiles are ignored, as PIL does). The alpha channel is dropped, as PIL's <c>convert("RGB")</c> in diffusers'
/// scripts does: a transparent pixel keeps its stored colour. The EXIF orientation is then applied.
/// </remarks>
internal static class ImageDecoder
{
    /// <summary>The largest accepted image, in pixels (2^28, about 268 megapixels), so a hostile header cannot exhaust memory.</summary>
    public const long MaximumPixels = 1L << 28;

    /// <summary>Decodes <paramref name="path"/> to a uint8 tensor [3, H, W] in display orientation, owned by the caller.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="minimumSize">The smallest accepted shorter side, in pixels.</param>
    /// <exception cref="InvalidDataException">
    /// The file is not a readable image, is truncated or corrupt, is smaller than <paramref name="minimumSize"/> or larger than
    /// <see cref="MaximumPixels"/>; the message names the file.
    /// </exception>
    public static Tensor Decode(string path, int minimumSize)
    {
        using var codec = SKCodec.Create(path, out var opened)
            ?? throw new InvalidDataException($"{path}: cannot be decoded as an image (SkiaSharp: {opened}); expected a JPEG, PNG or WebP file.");
        int width = codec.Info.Width;
        int height = codec.Info.Height;
        CheckSize(path, width, height, minimumSize);

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var decoded = codec.GetPixels(info, out byte[] pixels);
        if (decoded != SKCodecResult.Success)
        {
            throw new InvalidDataException($"{path}: the image data is truncated or corrupt (SkiaSharp: {decoded}).");
        }

        using var rgba = empty([height, width, 4], ScalarType.Byte);
        pixels.CopyTo(rgba.bytes);
        using var rgb = rgba.narrow(2, 0, 3);
        using var planar = rgb.permute(2, 0, 1);
        return ImageOrientation.Apply(planar, codec.EncodedOrigin);
    }

    private static void CheckSize(string path, int width, int height, int minimumSize)
    {
        if (Math.Min(width, height) < minimumSize)
        {
            throw new InvalidDataException(
                $"{path}: the image is {width}x{height} pixels; its shorter side is below the minimum of {minimumSize} ({nameof(ConceptImageOptions)}.{nameof(ConceptImageOptions.MinimumSize)}).");
        }

        if ((long)width * height > MaximumPixels)
        {
            throw new InvalidDataException($"{path}: the image is {width}x{height} pixels; at most {MaximumPixels} pixels are accepted.");
        }
    }
}
