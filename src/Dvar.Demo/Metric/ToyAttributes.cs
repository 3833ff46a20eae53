using Dvar.Demo.World;

namespace Dvar.Demo.Metric;

/// <summary>The attributes of a toy picture, as read by the metric model or named by a text.</summary>
/// <param name="Color">The colour, or null when not named.</param>
/// <param name="Shape">The shape, or null when not named.</param>
/// <param name="Background">The background, or null when not named.</param>
/// <param name="Size">The size, or null when not named.</param>
public sealed record ToyAttributes(ToyColor? Color, ToyShape? Shape, ToyBackground? Background, ToySize? Size)
{
    /// <summary>Gets the number of attributes given (not null).</summary>
    public int Count => (Color is null ? 0 : 1) + (Shape is null ? 0 : 1) + (Background is null ? 0 : 1) + (Size is null ? 0 : 1);

    /// <summary>Reads the attributes a text names: each toy word found among its words (the first of a kind wins; "shape"
    /// names none).</summary>
    /// <param name="text">The text, e.g. "a photo of a on a white background".</param>
    /// <returns>The named attributes.</returns>
    public static ToyAttributes Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ToyColor? color = null;
        ToyShape? shape = null;
        ToyBackground? background = null;
        ToySize? size = null;
        var words = text.ToLowerInvariant().Split([' ', ',', '.'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < words.Length; i++)
        {
            string word = words[i];
            bool beforeBackground = i + 1 < words.Length && words[i + 1] == "background";
            if (beforeBackground && Words<ToyBackground>.ByWord.TryGetValue(word, out var b))
            {
                background ??= b;
            }
            else if (Words<ToyColor>.ByWord.TryGetValue(word, out var c))
            {
                color ??= c;
            }
            else if (Words<ToyShape>.ByWord.TryGetValue(word, out var s))
            {
                shape ??= s;
            }
            else if (Words<ToySize>.ByWord.TryGetValue(word, out var z))
            {
                size ??= z;
            }
        }

        return new ToyAttributes(color, shape, background, size);
    }

    /// <summary>The fraction of the attributes named here that a reading shows; 1 when none is named.</summary>
    /// <param name="reading">The attributes read in an image.</param>
    /// <returns>A value in [0, 1].</returns>
    public double FractionShownBy(ToyAttributes reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (Count == 0)
        {
            return 1;
        }

        int shown = (Color is { } c && reading.Color == c ? 1 : 0)
            + (Shape is { } s && reading.Shape == s ? 1 : 0)
            + (Background is { } b && reading.Background == b ? 1 : 0)
            + (Size is { } z && reading.Size == z ? 1 : 0);
        return shown / (double)Count;
    }

    /// <summary>The values of an attribute enum by their lower-case word.</summary>
    private static class Words<T>
        where T : struct, Enum
    {
        public static IReadOnlyDictionary<string, T> ByWord { get; } =
            Enum.GetValues<T>().ToDictionary(v => v.ToString().ToLowerInvariant(), v => v, StringComparer.Ordinal);
    }
}
