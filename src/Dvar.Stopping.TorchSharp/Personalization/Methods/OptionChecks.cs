namespace Dvar.Stopping.TorchSharp.Personalization;

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

    /// <summary>Throws when <paramref name="value"/> is null.</summary>
    public static void NotNull(object? value, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name, $"{name} must not be null.");
        }
    }
}
