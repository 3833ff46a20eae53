using System.Text;

namespace Dvar.Demo.World;

/// <summary>Writes the captions of the pretraining pictures: a random subset of a scene's attributes in the toy grammar
/// <c>[prefix] a|the [size] [colour] shape-word|"shape" [on a background-word background]</c>.</summary>
public static class ToyCaption
{
    /// <summary>Describes a scene with a random choice of its attributes (prefix and background each with p = 0.5, size
    /// 0.4, colour 0.85, the shape word 0.85, else the generic noun "shape").</summary>
    /// <param name="scene">The scene.</param>
    /// <param name="random">The source of randomness.</param>
    /// <returns>The caption, lower case, words separated by single spaces.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static string Describe(ToyScene scene, Random random)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(random);
        var words = new List<string>();
        if (random.NextDouble() < 0.5)
        {
            words.Add(ToyVocabulary.Prefixes[random.Next(ToyVocabulary.Prefixes.Count)]);
        }

        bool definite = random.NextDouble() < 0.3;
        var noun = new List<string>();
        if (random.NextDouble() < 0.4)
        {
            noun.Add(ToyVocabulary.Word(scene.Size));
        }

        if (random.NextDouble() < 0.85)
        {
            noun.Add(ToyVocabulary.Word(scene.Color));
        }

        noun.Add(random.NextDouble() < 0.85 ? ToyVocabulary.Word(scene.Shape) : ToyVocabulary.GenericNoun);
        words.Add(definite ? "the" : ToyVocabulary.Article(noun[0]));
        words.AddRange(noun);
        if (random.NextDouble() < 0.5)
        {
            words.Add(OnBackground(scene.Background));
        }

        return Join(words);
    }

    /// <summary>The background phrase, e.g. "on a white background".</summary>
    /// <param name="background">The background.</param>
    /// <returns>The phrase.</returns>
    public static string OnBackground(ToyBackground background) => $"on a {ToyVocabulary.Word(background)} background";

    private static string Join(List<string> words)
    {
        var text = new StringBuilder();
        foreach (var word in words)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(word);
        }

        return text.ToString();
    }
}
