namespace Dvar.Demo.World;

/// <summary>The words of the toy world: the attribute words, the caption grammar's words, and the generic noun.</summary>
/// <remarks>Every word here is one token of the toy tokenizer (the pretraining tool builds its vocabulary from
/// <see cref="AllWords"/>), so an attribute is one embedding row, as a common word is in CLIP.</remarks>
public static class ToyVocabulary
{
    /// <summary>The generic noun that stands for any shape ("a red shape"); the learned tokens start from its embedding.</summary>
    public const string GenericNoun = "shape";

    /// <summary>Gets the caption prefixes of the pretraining captions and the training templates.</summary>
    public static IReadOnlyList<string> Prefixes { get; } = ["a photo of", "a picture of", "an image of", "a rendering of"];

    /// <summary>Gets every word a toy caption or template can contain.</summary>
    public static IReadOnlyList<string> AllWords { get; } =
    [
        "a", "an", "the", "of", "on", "photo", "picture", "image", "rendering", "background", GenericNoun,
        .. Enum.GetValues<ToyColor>().Select(Word),
        .. Enum.GetValues<ToyShape>().Select(Word),
        .. Enum.GetValues<ToyBackground>().Select(Word).Except(Enum.GetValues<ToyColor>().Select(Word)),
        .. Enum.GetValues<ToySize>().Select(Word),
    ];

    /// <summary>The word of a colour.</summary>
    /// <param name="color">The colour.</param>
    /// <returns>Its lower-case English word.</returns>
    public static string Word(ToyColor color) => color.ToString().ToLowerInvariant();

    /// <summary>The word of a shape.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>Its lower-case English word.</returns>
    public static string Word(ToyShape shape) => shape.ToString().ToLowerInvariant();

    /// <summary>The word of a background.</summary>
    /// <param name="background">The background.</param>
    /// <returns>Its lower-case English word.</returns>
    public static string Word(ToyBackground background) => background.ToString().ToLowerInvariant();

    /// <summary>The word of a size.</summary>
    /// <param name="size">The size.</param>
    /// <returns>Its lower-case English word.</returns>
    public static string Word(ToySize size) => size.ToString().ToLowerInvariant();

    /// <summary>The indefinite article before a word ("an" before a vowel).</summary>
    /// <param name="nextWord">The word that follows.</param>
    /// <returns>"a" or "an".</returns>
    public static string Article(string nextWord) => nextWord.Length > 0 && "aeiou".Contains(nextWord[0], StringComparison.Ordinal) ? "an" : "a";
}
