using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>FsCheck generators for the tokenizer properties.</summary>
public static class TokenizerArbitraries
{
    private static readonly string[] Fragments =
    [
        "a", "cat", "photo", "The", "sprawling", "skyscrapers", "HELLO", "world", "isn", "naïve", "café", "Straße", "ñ",
        "日本語", "Ελληνικά", "привет", "0", "7", "42", "2024", "½", "Ⅻ", ",", ".", "!", "?!", "'s", "'t", "'re", "'ll",
        "'d", "'m", "'ve", "'", "-", "--", "(", ")", "[", "]", "{", "}", "#", "@", "&", "<", ">", "/", "…", "“", "”",
        "’", "🐶", "😎", "👍🏽", "e\u0301", " ", " ", " ", "  ", "\t", "\n", "\u00a0",
    ];

    public static Arbitrary<PromptText> PromptText()
    {
        // BMP characters that stay in the BMP under NFC (some CJK compatibility ideographs, e.g. U+FA6C, compose to
        // astral letters, which the .NET-regex references cannot classify).
        var bmpChar = Gen.Choose(0x20, 0xFFFD)
            .Where(c => c is < 0xD800 or > 0xDFFF)
            .Select(c => ((char)c).ToString())
            .Where(s => !s.Normalize(NormalizationForm.FormC).Any(char.IsSurrogate));
        var fragment = Gen.Frequency((6, Gen.Elements(Fragments)), (1, bmpChar));
        return Gen.Choose(0, 120)
            .SelectMany(count => Gen.ArrayOf(fragment, count))
            .Select(parts => new PromptText(string.Concat(parts)))
            .ToArbitrary();
    }

    public static Arbitrary<LowercaseWords> LowercaseWords()
    {
        var word = Gen.Choose(1, 7)
            .SelectMany(length => Gen.ArrayOf(Gen.Choose('a', 'z').Select(c => (char)c), length))
            .Select(letters => new string(letters));
        return Gen.Choose(0, 10)
            .SelectMany(count => Gen.ArrayOf(word, count))
            .Select(words => new LowercaseWords(string.Join(' ', words)))
            .ToArbitrary();
    }
}
