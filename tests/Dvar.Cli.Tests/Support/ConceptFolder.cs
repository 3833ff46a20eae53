using SkiaSharp;

namespace Dvar.Cli.Tests.Support;

/// <summary>Writes a toy concept: a few small PNGs (a gradient, a flat colour, seeded noise) made with SkiaSharp.</summary>
internal static class ConceptFolder
{
    public static string Write(string folder, int count = 3, int size = 40)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(7);
        for (int i = 0; i < count; i++)
        {
            using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    bitmap.SetPixel(x, y, (i % 3) switch
                    {
                        0 => new SKColor((byte)(x * 255 / size), (byte)(y * 255 / size), 128),
                        1 => new SKColor(200, 40, (byte)(40 + i)),
                        _ => new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)),
                    });
                }
            }

            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"image-{i}.png"), data.ToArray());
        }

        return folder;
    }
}
