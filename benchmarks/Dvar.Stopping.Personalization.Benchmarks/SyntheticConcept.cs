using SkiaSharp;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>Four synthetic photos (gradients and seeded noise) in a temporary folder: the timings do not depend on the pixels.</summary>
internal static class SyntheticConcept
{
    public static string Write(int size)
    {
        string folder = Directory.CreateTempSubdirectory("dvar-bench-images-").FullName;
        var random = new Random(11);
        for (int i = 0; i < 4; i++)
        {
            using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    bitmap.SetPixel(x, y, i % 2 == 0
                        ? new SKColor((byte)(x * 255 / size), (byte)(y * 255 / size), (byte)(60 * i))
                        : new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
                }
            }

            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"photo-{i}.png"), data.ToArray());
        }

        return folder;
    }
}
