namespace Dvar.Demo.World;

/// <summary>The toy text-to-image world: which colour-shape pairs the base model is pretrained on, which are held out as
/// concepts to personalize, their photos, and the prompts that train and validate them. Everything is deterministic
/// from a seed.</summary>
/// <remarks>Pretraining sees every colour and every shape, but never the <see cref="HeldOut"/> pairs together, so a
/// held-out pair is new to the model as a user's object is new to Stable Diffusion, while the words for its parts exist.
/// The concept photos are large and on black, gray or brown backgrounds; the validation prompts ask for a white
/// background or a small object, contexts the photos never show.</remarks>
public static class ToyWorld
{
    /// <summary>The side of the square images the toy pipeline works at.</summary>
    public const int ImageSize = 32;

    /// <summary>Gets the colour-shape pairs held out of pretraining, in concept order.</summary>
    public static IReadOnlyList<(ToyColor Color, ToyShape Shape)> HeldOut { get; } =
    [
        (ToyColor.Purple, ToyShape.Triangle),
        (ToyColor.Orange, ToyShape.Cross),
        (ToyColor.Green, ToyShape.Circle),
    ];

    /// <summary>Gets the colour-shape pairs the base model is pretrained on (every pair but the held-out ones).</summary>
    public static IReadOnlyList<(ToyColor Color, ToyShape Shape)> Seen { get; } =
    [
        .. from color in Enum.GetValues<ToyColor>()
           from shape in Enum.GetValues<ToyShape>()
           where !HeldOut.Contains((color, shape))
           select (color, shape),
    ];

    /// <summary>Gets the caption templates that personalization trains with (<c>{}</c> is the concept's token): the
    /// toy grammar's prefixes and articles, so that every word is one the base model knows.</summary>
    public static IReadOnlyList<string> TrainingTemplates { get; } =
    [
        "a photo of a {}", "a picture of a {}", "an image of a {}", "a rendering of a {}",
        "a photo of the {}", "a picture of the {}", "the {}", "a {}",
    ];

    /// <summary>Gets the validation prompts: the concept in contexts its photos never show.</summary>
    public static IReadOnlyList<ToyValidationPrompt> ValidationPrompts { get; } =
    [
        new("a photo of a {} on a white background", ToyBackground.White, null),
        new("a small {}", null, ToySize.Small),
        new("a picture of a small {} on a white background", ToyBackground.White, ToySize.Small),
    ];

    /// <summary>The photos' backgrounds, in photo order (never white, the validation prompts' context).</summary>
    private static readonly ToyBackground[] PhotoBackgrounds = [ToyBackground.Black, ToyBackground.Gray, ToyBackground.Brown, ToyBackground.Gray, ToyBackground.Black];

    /// <summary>The photos' sizes in pixels, in photo order: as users' photos, not all square (the loader centre-crops them).</summary>
    private static readonly (int Width, int Height)[] PhotoSizes = [(48, 40), (40, 48), (44, 44), (40, 40), (48, 44)];

    /// <summary>Builds a held-out concept with its photos.</summary>
    /// <param name="index">The concept's index in <see cref="HeldOut"/>.</param>
    /// <param name="seed">The seed of the photos' variations.</param>
    /// <param name="photoCount">The number of photos, 1 to 5 (default 5).</param>
    /// <returns>The concept; its token is <c>&lt;toy-{index + 1}&gt;</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> or <paramref name="photoCount"/> is out of range.</exception>
    public static ToyConcept Concept(int index, int seed = 0, int photoCount = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, HeldOut.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(photoCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(photoCount, PhotoSizes.Length);
        var (color, shape) = HeldOut[index];
        var random = new Random(unchecked((seed * 1_000_003) + ((index + 1) * 7_919)) & int.MaxValue);
        var photos = new List<ToyScene>();
        for (int i = 0; i < photoCount; i++)
        {
            var (width, height) = PhotoSizes[i];
            photos.Add(ToyScene.Sample(random, shape, color, PhotoBackgrounds[i], ToySize.Large, width, height));
        }

        string name = $"{ToyVocabulary.Word(color)}-{ToyVocabulary.Word(shape)}";
        return new ToyConcept(name, $"<toy-{index + 1}>", color, shape, photos);
    }

    /// <summary>Draws a pretraining picture: a seen colour-shape pair, any background and size, square, with its caption.</summary>
    /// <param name="random">The source of randomness.</param>
    /// <returns>The scene and its caption.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    public static (ToyScene Scene, string Caption) SamplePretraining(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (color, shape) = Seen[random.Next(Seen.Count)];
        var scene = SampleAny(random, color, shape);
        return (scene, ToyCaption.Describe(scene, random));
    }

    /// <summary>Draws a square picture of a given pair with any background and size (the metric model trains on every pair).</summary>
    /// <param name="random">The source of randomness.</param>
    /// <param name="color">The colour.</param>
    /// <param name="shape">The shape.</param>
    /// <returns>The scene.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    public static ToyScene SampleAny(Random random, ToyColor color, ToyShape shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        var background = (ToyBackground)random.Next(Enum.GetValues<ToyBackground>().Length);
        var size = (ToySize)random.Next(Enum.GetValues<ToySize>().Length);
        return ToyScene.Sample(random, shape, color, background, size, ImageSize, ImageSize);
    }
}
