using SkiaSharp;

namespace Dvar.Demo.World;

/// <summary>Draws <see cref="ToyScene"/>s with SkiaSharp: anti-aliased at four times the size, then averaged down over
/// 4 x 4 blocks, so that edges are smooth and the result depends only on the scene.</summary>
public static class ToyRenderer
{
    private const int Supersampling = 4;

    /// <summary>Gets the base RGB value of each object colour (before jitter).</summary>
    public static IReadOnlyDictionary<ToyColor, (byte R, byte G, byte B)> ObjectColors { get; } = new Dictionary<ToyColor, (byte, byte, byte)>
    {
        [ToyColor.Red] = (220, 40, 40),
        [ToyColor.Green] = (40, 170, 60),
        [ToyColor.Blue] = (40, 80, 220),
        [ToyColor.Yellow] = (235, 210, 40),
        [ToyColor.Purple] = (150, 60, 190),
        [ToyColor.Orange] = (245, 140, 30),
    };

    /// <summary>Gets the base RGB value of each background (before the gradient).</summary>
    public static IReadOnlyDictionary<ToyBackground, (byte R, byte G, byte B)> BackgroundColors { get; } = new Dictionary<ToyBackground, (byte, byte, byte)>
    {
        [ToyBackground.Black] = (22, 22, 26),
        [ToyBackground.Gray] = (128, 128, 128),
        [ToyBackground.White] = (236, 236, 232),
        [ToyBackground.Brown] = (118, 78, 44),
    };

    /// <summary>Draws a scene.</summary>
    /// <param name="scene">The scene.</param>
    /// <returns>The image, <see cref="ToyScene.Width"/> x <see cref="ToyScene.Height"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="scene"/> is null.</exception>
    public static RgbImage Render(ToyScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        int w = scene.Width * Supersampling;
        int h = scene.Height * Supersampling;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            DrawBackground(canvas, scene, w, h);
            canvas.Translate(scene.CenterX * Supersampling, scene.CenterY * Supersampling);
            canvas.RotateRadians(scene.Rotation);
            using var path = ShapePath(scene.Shape, scene.Radius * Supersampling);
            var (r, g, b) = ObjectColors[scene.Color];
            var (jr, jg, jb) = scene.ColorJitter;
            using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = new SKColor(Clamp(r + jr), Clamp(g + jg), Clamp(b + jb)) };
            canvas.DrawPath(path, paint);
        }

        return Downsample(bitmap, scene.Width, scene.Height);
    }

    /// <summary>The outline of a shape centred on the origin, <paramref name="radius"/> being half its width.</summary>
    private static SKPath ShapePath(ToyShape shape, float radius)
    {
        var path = new SKPath();
        switch (shape)
        {
            case ToyShape.Circle:
                path.AddCircle(0, 0, radius);
                break;
            case ToyShape.Square:
                float half = radius * 0.86f;
                path.AddRect(new SKRect(-half, -half, half, half));
                break;
            case ToyShape.Triangle:
                // Equilateral, pointing up, circumradius 1.15 r, so that its area is close to the square's.
                float c = radius * 1.15f;
                path.MoveTo(0, -c);
                path.LineTo(c * 0.8660254f, c * 0.5f);
                path.LineTo(-c * 0.8660254f, c * 0.5f);
                path.Close();
                break;
            case ToyShape.Cross:
                float arm = radius;
                float t = radius * 0.34f;
                path.AddRect(new SKRect(-arm, -t, arm, t));
                path.AddRect(new SKRect(-t, -arm, t, arm));
                path.FillType = SKPathFillType.Winding;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown shape.");
        }

        return path;
    }

    private static void DrawBackground(SKCanvas canvas, ToyScene scene, int w, int h)
    {
        var (r, g, b) = BackgroundColors[scene.Background];
        var top = new SKColor(Clamp(r + scene.GradientTop), Clamp(g + scene.GradientTop), Clamp(b + scene.GradientTop));
        var bottom = new SKColor(Clamp(r + scene.GradientBottom), Clamp(g + scene.GradientBottom), Clamp(b + scene.GradientBottom));
        using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h), [top, bottom], SKShaderTileMode.Clamp);
        using var paint = new SKPaint { Shader = shader };
        canvas.DrawRect(new SKRect(0, 0, w, h), paint);
    }

    private static RgbImage Downsample(SKBitmap bitmap, int width, int height)
    {
        var source = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        var rgb = new byte[width * height * 3];
        const int area = Supersampling * Supersampling;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int sr = 0, sg = 0, sb = 0;
                for (int dy = 0; dy < Supersampling; dy++)
                {
                    int row = (((y * Supersampling) + dy) * stride) + (x * Supersampling * 4);
                    for (int dx = 0; dx < Supersampling; dx++)
                    {
                        sr += source[row + (dx * 4)];
                        sg += source[row + (dx * 4) + 1];
                        sb += source[row + (dx * 4) + 2];
                    }
                }

                int o = ((y * width) + x) * 3;
                rgb[o] = (byte)((sr + (area / 2)) / area);
                rgb[o + 1] = (byte)((sg + (area / 2)) / area);
                rgb[o + 2] = (byte)((sb + (area / 2)) / area);
            }
        }

        return new RgbImage(width, height, rgb);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
