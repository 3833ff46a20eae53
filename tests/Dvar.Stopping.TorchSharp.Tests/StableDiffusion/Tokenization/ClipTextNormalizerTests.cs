using System.Text;
using System.Text.RegularExpressions;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using FsCheck.Xunit;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

public partial class ClipTextNormalizerTests
{
    [Theory]
    [InlineData("  A  Photo\tof\n\nCAFE\u0301  ", "a photo of café")]
    [InlineData("\u001c a \u001f b \u3000", "a b")]
    [InlineData("", "")]
    [InlineData(" \t\n ", "")]
    public void Normalize_Text_CollapsesWhitespaceComposesAndLowers(string text, string expected)
    {
        Assert.Equal(expected, ClipTextNormalizer.Normalize(text));
    }

    [Property(Arbitrary = [typeof(TokenizerArbitraries)], MaxTest = 500)]
    public void Normalize_AnyText_MatchesReference(PromptText text)
    {
        // whitespace_clean(text).lower() after NFC, with Python's \s (which also covers U+001C..U+001F).
        var expected = Whitespace().Replace(text.Value.Normalize(NormalizationForm.FormC), " ").Trim().ToLowerInvariant();

        Assert.Equal(expected, ClipTextNormalizer.Normalize(text.Value));
    }

    [GeneratedRegex(@"[\s\u001c-\u001f]+")]
    private static partial Regex Whitespace();
}
