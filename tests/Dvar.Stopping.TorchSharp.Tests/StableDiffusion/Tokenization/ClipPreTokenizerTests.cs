using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

public class ClipPreTokenizerTests
{
    [Fact]
    public void Split_LetterOutsideBmp_StaysInItsWord()
    {
        // U+1D41A (mathematical bold small a) is a letter (\p{L}) for Python; .NET's regex sees two surrogates instead.
        const string text = "x\U0001D41Ay 1\U0001D7CF";

        var pieces = ClipPreTokenizer.Split(text);

        Assert.Equal(["x\U0001D41Ay", "1", "\U0001D7CF"], pieces);
        Assert.NotEqual(pieces, NaiveClipTokenizer.Pattern().Matches(text).Select(m => m.Value));
    }

    [Fact]
    public void Split_Contractions_AreSeparateWordsOnlyAtWordStart()
    {
        Assert.Equal(["isn", "'t", "?'", "s", "'", "x"], ClipPreTokenizer.Split("isn't ?'s 'x"));
    }

    [Property(Arbitrary = [typeof(TokenizerArbitraries)], MaxTest = 500)]
    public void Split_BmpText_MatchesReference(PromptText text)
    {
        var normalized = ClipTextNormalizer.Normalize(text.Value);

        Assert.Equal(NaiveClipTokenizer.Pattern().Matches(normalized).Select(m => m.Value), ClipPreTokenizer.Split(normalized));
    }
}
