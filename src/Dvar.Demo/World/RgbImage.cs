using SkiaSharp;

namespace Dvar.Demo.World;

/// <summary>An RGB image with 8 bits per channel, stored row by row (height x width x 3).</summary>
public sealed class RgbImage
{
    /// <summary>Initializes a new instance of the <see cref="RgbImage"/> class.</summary>
    /// <param name="width">The width in pixels (at least 1).</param>
    /// <param name="height">The height in pixels (at least 1).</param>
    /// <param name="rgb">The pixels: <c>height · width · 3</c> bytes, red, green, blue, row by row.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rgb"/> is null.</exception>
    /// <exception cref="ArgumentException">The pixel count does not match the size.</exception>
    public RgbImage(int width, int height, byte[] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"A {width}x{height} RGB image has {width * height * 3} bytes; got {rgb.Length}.", nameof(rgb));
        }

        Width = width;
        Height = height;
        Rgb = rgb;
    }

    /// <summary>Gets the width in pixels.</summary>
    public int Width { get; }

    /// <summary>Gets the height in pixels.</summary>
    public int Height { get; }

    /// <summary>Gets the pixels, row by row, three bytes (red, green, blue) each.</summary>
    public byte[] Rgb { get; }

    /// <summary>Writes the image as a PNG file (replacing any file there).</summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SavePng(string path)
    {
        using var bitmap = ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    /// <summary>Copies the image into a new Skia bitmap (opaque RGBA).</summary>
    /// <returns>The bitmap; the caller disposes it.</returns>
    public SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[Width * Height * 4];
        for (int i = 0, j = 0; i < Rgb.Length; i += 3, j += 4)
        {
            pixels[j] = Rgb[i];
            pixels[j + 1] = Rgb[i + 1];
            pixels[j + 2] = Rgb[i + 2];
            pixels[j + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }
}
