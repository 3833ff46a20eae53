namespace Dvar.Demo.World;

/// <summary>One toy picture, fully described: what is drawn, where, and the small random variations of its rendering.</summary>
/// <param name="Shape">The object's shape.</param>
/// <param name="Color">The object's colour.</param>
/// <param name="Background">The background colour.</param>
/// <param name="Size">The object's size class.</param>
/// <param name="Width">The image width in pixels.</param>
/// <param name="Height">The image height in pixels.</param>
/// <param name="CenterX">The object's centre, in pixels from the left edge.</param>
/// <param name="CenterY">The object's centre, in pixels from the top edge.</param>
/// <param name="Radius">Half the object's width, in pixels.</param>
/// <param name="Rotation">The object's rotation in radians.</param>
/// <param name="ColorJitter">Offsets added to the object colour's red, green and blue values.</param>
/// <param name="GradientTop">The brightness offset of the background's top row.</param>
/// <param name="GradientBottom">The brightness offset of the background's bottom row.</param>
public sealed record ToyScene(
    ToyShape Shape,
    ToyColor Color,
    ToyBackground Background,
    ToySize Size,
    int Width,
    int Height,
    float CenterX,
    float CenterY,
    float Radius,
    float Rotation,
    (int R, int G, int B) ColorJitter,
    int GradientTop,
    int GradientBottom)
{
    /// <summary>Draws a scene's random variations: radius within the size class, a position that keeps the object inside the
    /// image, a small rotation, colour jitter and a background gradient.</summary>
    /// <param name="random">The source of randomness (the caller seeds it).</param>
    /// <param name="shape">The shape.</param>
    /// <param name="color">The colour.</param>
    /// <param name="background">The background.</param>
    /// <param name="size">The size class.</param>
    /// <param name="width">The image width (at least 16).</param>
    /// <param name="height">The image height (at least 16).</param>
    /// <returns>The scene.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The image is smaller than 16 pixels on a side.</exception>
    public static ToyScene Sample(Random random, ToyShape shape, ToyColor color, ToyBackground background, ToySize size, int width = 32, int height = 32)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        float side = Math.Min(width, height) / 32f;
        float radius = side * (size == ToySize.Large ? Uniform(random, 10f, 12.5f) : Uniform(random, 5f, 6.5f));
        float spanX = Math.Max(0, Math.Min((width / 2f) - radius - 1.5f, 6 * side));
        float spanY = Math.Max(0, Math.Min((height / 2f) - radius - 1.5f, 6 * side));
        float x = (width / 2f) + Uniform(random, -spanX, spanX);
        float y = (height / 2f) + Uniform(random, -spanY, spanY);
        float rotation = Uniform(random, -0.15f, 0.15f);
        var jitter = (random.Next(-16, 17), random.Next(-16, 17), random.Next(-16, 17));
        return new ToyScene(shape, color, background, size, width, height, x, y, radius, rotation, jitter, random.Next(-12, 13), random.Next(-12, 13));
    }

    private static float Uniform(Random random, float low, float high) => low + ((high - low) * (float)random.NextDouble());
}
