namespace Dvar.Demo.World;

/// <summary>A concept held out of pretraining: a colour-shape pair the base model has never been shown together, with the
/// "user photos" that personalization learns it from.</summary>
/// <param name="Name">A file-name-safe name, e.g. <c>purple-triangle</c>.</param>
/// <param name="Token">The placeholder token that names the concept in prompts, e.g. <c>&lt;toy-1&gt;</c>.</param>
/// <param name="Color">The concept's colour.</param>
/// <param name="Shape">The concept's shape.</param>
/// <param name="Photos">The photos' scenes: large, on several backgrounds (never white), at several positions, not all square.</param>
public sealed record ToyConcept(string Name, string Token, ToyColor Color, ToyShape Shape, IReadOnlyList<ToyScene> Photos)
{
    /// <summary>Gets the concept in words, e.g. "purple triangle".</summary>
    public string Description => $"{ToyVocabulary.Word(Color)} {ToyVocabulary.Word(Shape)}";
}
