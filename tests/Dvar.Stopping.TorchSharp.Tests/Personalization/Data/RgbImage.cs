using SkiaSharp;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

/// <summary>An 8-bit RGB test image with known pixels, and its encodings through SkiaSharp.</summary>
internal sealed class RgbImage
{
    public RgbImage(int width, int height, Func<int, int, int, byte> value)
    {
        Width = width;
        Height = height;
        Pixels = new byte[height, width, 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Pixels[y, x, c] = value(y, x, c);
                }
            }
        }
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels, [y, x, channel].</summary>
    public byte[,,] Pixels { get; }

    /// <summary>Uniform noise from a seeded System.Random: the hardest case for a resampler.</summary>
    public static RgbImage Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        return new RgbImage(width, height, (_, _, _) => (byte)random.Next(256));
    }

    /// <summary>A smooth pattern in [40, 216], different per channel.</summary>
    public static RgbImage Smooth(int width, int height) => new(
        width,
        height,
        (y, x, c) => (byte)Math.Round(128 + (88 * Math.Sin((2 * Math.PI * x / width) + c) * Math.Cos((Math.PI * y / height) - c))));

    public static RgbImage Constant(int width, int height, byte r, byte g, byte b)
    {
        byte[] rgb = [r, g, b];
        return new RgbImage(width, height, (_, _, c) => rgb[c]);
    }

    public byte[] EncodePng() => Encode(p => p.Encode(SKPngEncoderOptions.Default));

    public byte[] EncodeJpeg(int quality = 95) =>
        Encode(p => p.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore)));

    public byte[] EncodeLosslessWebp() => Encode(p => p.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100)));

    /// <summary>Encodes with a constant alpha channel (255 = opaque) as PNG.</summary>
    public byte[] EncodePngWithAlpha(byte alpha) => Encode(p => p.Encode(SKPngEncoderOptions.Default), alpha);

    public string WritePng(string folder, string name) => Write(folder, name, EncodePng());

    public static string Write(string folder, string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private byte[] Encode(Func<SKPixmap, SKData?> encode, byte alpha = 255)
    {
        var rgba = new byte[Width * Height * 4];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                int at = ((y * Width) + x) * 4;
                rgba[at] = Pixels[y, x, 0];
                rgba[at + 1] = Pixels[y, x, 1];
                rgba[at + 2] = Pixels[y, x, 2];
                rgba[at + 3] = alpha;
            }
        }

        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var image = SKImage.FromPixelCopy(info, rgba);
        using var pixmap = image.PeekPixels();
        using var data = encode(pixmap) ?? throw new InvalidOperationException("SkiaSharp could not encode the test image.");
        return data.ToArray();
    }
}
