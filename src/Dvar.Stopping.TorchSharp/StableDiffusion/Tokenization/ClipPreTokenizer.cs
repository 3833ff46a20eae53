using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

/// <summary>Splits normalised text into the words CLIP's BPE encodes one by one.</summary>
/// <remarks>Equivalent to <c>findall</c> of CLIP's pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (ignore case) on lower-cased text: the alternatives are tried in that order at each position and white space
/// is skipped. Written as a scanner over code points rather than a .NET <see cref="System.Text.RegularExpressions.Regex"/>
/// because .NET's regex classifies UTF-16 code units, so a letter outside the Basic Multilingual Plane (a surrogate
/// pair) would fall into the symbol class instead of <c>\p{L}</c> as in Python.</remarks>
internal static class ClipPreTokenizer
{
    private static readonly string[] Literals = ["<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    private enum RuneClass
    {
        Space,
        Letter,
        Number,
        Symbol,
    }

    /// <summary>Returns the pieces of <paramref name="text"/> in order.</summary>
    /// <param name="text">Text already passed through <see cref="ClipTextNormalizer.Normalize"/>.</param>
    /// <returns>The words and symbol runs; never an empty string.</returns>
    public static List<string> Split(string text)
    {
        var pieces = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var literal = Array.Find(Literals, l => text.AsSpan(i).StartsWith(l, StringComparison.Ordinal));
            if (literal is not null)
            {
                pieces.Add(literal);
                i += literal.Length;
                continue;
            }

            var kind = Classify(text, i, out var width);
            var start = i;
            i += width;
            switch (kind)
            {
                case RuneClass.Space:
                    continue;
                case RuneClass.Letter:
                case RuneClass.Symbol:
                    while (i < text.Length && Classify(text, i, out width) == kind)
                    {
                        i += width;
                    }

                    break;
            }

            pieces.Add(text[start..i]);
        }

        return pieces;
    }

    private static RuneClass Classify(string text, int index, out int width)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out width) != OperationStatus.Done)
        {
            // A lone surrogate: Python would see one unassigned code point, which is a symbol.
            width = 1;
            return RuneClass.Symbol;
        }

        if (Rune.IsWhiteSpace(rune))
        {
            return RuneClass.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => RuneClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => RuneClass.Number,
            _ => RuneClass.Symbol,
        };
    }
}
