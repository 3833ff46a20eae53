namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Checks shared by the methods' options (each options record validates itself in one <c>Validate</c>).</summary>
internal static class OptionChecks
{
    /// <summary>The most vectors a placeholder may have: CLIP's 77 positions minus the start and end tokens.</summary>
    public const int MaxVectors = 75;

    /// <summary>Throws unless <paramref name="token"/> is a usable new token: non-empty, no white space, no braces.</summary>
    public static void Token(string? token, string name)
    {
        if (string.IsNullOrEmpty(token) || token.Any(char.IsWhiteSpace) || token.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException($"{name} must be a non-empty token without white space or braces (e.g. \"<cat-toy>\"); got \"{token}\".", name);
        }
    }

    /// <summary>Throws unless <paramref name="word"/> is non-empty and not only white space.</summary>
    public static void Word(string? word, string name)
    {
        if (string.IsNullOrWhiteSpace(word))
        {
            throw new ArgumentException($"{name} must be a non-empty word (e.g. \"toy\"); got \"{word}\".", name);
        }
    }

    /// <summary>Rejects a recipe that is not a defined <see cref="TrainingRecipe"/>.</summary>
    public static void Recipe(TrainingRecipe recipe, string name)
    {
        if (!Enum.IsDefined(recipe))
        {
            throw new ArgumentOutOfRangeException(name, recipe, $"{name} must be {string.Join(" or ", Enum.GetNames<TrainingRecipe>())}; got {recipe}.");
        }
    }

    /// <summary>Rejects a missing initializer where the recipe has no default (diffusers' scripts require one), or a blank one.</summary>
    public static void Initializer(string? initializer, TrainingRecipe recipe, string name)
    {
        if (initializer is null && recipe == TrainingRecipe.Diffusers)
        {
            throw new ArgumentException($"{name} is required with the diffusers recipe: a word the tokenizer encodes to one token (e.g. \"toy\" or \"dog\").", name);
        }

        if (initializer is not null)
        {
            Word(initializer, name);
        }
    }

    /// <summary>Throws when <paramref name="value"/> is null.</summary>
    public static void NotNull(object? value, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name, $"{name} must not be null.");
        }
    }
}
