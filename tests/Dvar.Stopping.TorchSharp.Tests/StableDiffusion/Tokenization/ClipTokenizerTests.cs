using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization.Reference;
using FsCheck.Xunit;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

public class ClipTokenizerTests
{
    private static readonly Lazy<NaiveClipTokenizer> Reference = new(() => new NaiveClipTokenizer(TokenizerFixture.Folder));

    private static ClipTokenizer Tokenizer => TokenizerFixture.Tokenizer;

    public static TheoryData<int> CaseIndices => TokenizerFixture.CaseIndices;

    public static TheoryData<int> AddedTokenCaseIndices => TokenizerFixture.AddedTokenCaseIndices;

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Encode_FixtureCase_MatchesReferenceIds(int index)
    {
        var expected = TokenizerFixture.Cases[index];

        Assert.Equal(expected.InputIds, Tokenizer.Encode(expected.Prompt));
        Assert.Equal(expected.IdsWithoutSpecialTokens, Tokenizer.EncodeWithoutSpecialTokens(expected.Prompt));
        Assert.Equal(expected.NumTokensWithSpecial, Tokenizer.EncodeWithoutSpecialTokens(expected.Prompt).Length + 2);
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Tokenize_FixtureCase_MatchesReferenceTokens(int index)
    {
        var expected = TokenizerFixture.Cases[index];

        Assert.Equal(expected.BpeTokens, Tokenizer.Tokenize(expected.Prompt));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Decode_FixtureCase_MatchesReferenceText(int index)
    {
        var expected = TokenizerFixture.Cases[index];

        // The reference decoder (OpenAI's) leaves the trailing word-end space; ours trims it, as Hugging Face's does.
        Assert.Equal(expected.Decoded.Trim(), Tokenizer.Decode(expected.IdsWithoutSpecialTokens));
    }

    [Fact]
    public void Encode_LongPrompt_KeepsFirst75TokensAndEos()
    {
        var truncated = Assert.Single(TokenizerFixture.Cases, c => c.Truncated);

        var ids = Tokenizer.Encode(truncated.Prompt);

        Assert.Equal([Tokenizer.BosTokenId, .. truncated.IdsWithoutSpecialTokens[..75], Tokenizer.EosTokenId], ids);
    }

    [Theory]
    [MemberData(nameof(AddedTokenCaseIndices))]
    public void Encode_AddedTokenCase_MatchesReferenceIds(int index)
    {
        var expected = TokenizerFixture.AddedTokenCases[index];
        var tokenizer = ClipTokenizer.FromPretrained(TokenizerFixture.Folder);
        var added = expected.AddedTokens.OrderBy(p => p.Value).ToArray();

        var ids = tokenizer.AddTokens([.. added.Select(p => p.Key)]);

        Assert.Equal(added.Select(p => p.Value), ids);
        Assert.Equal(expected.InputIds, tokenizer.Encode(expected.Prompt));
        Assert.Equal(expected.IdsWithoutSpecialTokens, tokenizer.EncodeWithoutSpecialTokens(expected.Prompt));
    }

    [Fact]
    public void Properties_FixtureTokenizer_MatchCasesJson()
    {
        var root = TokenizerFixture.Root;

        Assert.Equal(root.GetProperty("bos_token_id").GetInt32(), Tokenizer.BosTokenId);
        Assert.Equal(root.GetProperty("eos_token_id").GetInt32(), Tokenizer.EosTokenId);
        Assert.Equal(root.GetProperty("pad_token_id").GetInt32(), Tokenizer.PadTokenId);
        Assert.Equal(root.GetProperty("model_max_length").GetInt32(), Tokenizer.ModelMaxLength);
        Assert.Equal(root.GetProperty("eos_token_id").GetInt32() + 1, Tokenizer.VocabularySize);
    }

    [Fact]
    public void CreateDefault_Vocabulary_EqualsFixtureFiles()
    {
        var fromFiles = Tokenizer.Vocabulary;

        var embedded = ClipTokenizer.CreateDefault().Vocabulary;

        Assert.Equal(fromFiles.Tokens, embedded.Tokens);
        Assert.Equal(fromFiles.Merges, embedded.Merges);
        Assert.Equal(fromFiles.ModelMaxLength, embedded.ModelMaxLength);
    }

    [Fact]
    public void CreateDefault_FixturePrompts_EncodeAsFixture()
    {
        var tokenizer = ClipTokenizer.CreateDefault();

        Assert.All(TokenizerFixture.Cases, c => Assert.Equal(c.InputIds, tokenizer.Encode(c.Prompt)));
    }

    [Fact]
    public void Encode_ConcurrentCallsOnColdCache_MatchFixture()
    {
        var tokenizer = ClipTokenizer.FromPretrained(TokenizerFixture.Folder);
        var cases = TokenizerFixture.Cases;

        var results = new int[cases.Count * 20][];
        Parallel.For(0, results.Length, i => results[i] = tokenizer.Encode(cases[i % cases.Count].Prompt));

        Assert.All(Enumerable.Range(0, results.Length), i => Assert.Equal(cases[i % cases.Count].InputIds, results[i]));
    }

    [Fact]
    public void TokenToId_AndIdToToken_AgreeWithFixtureTokens()
    {
        var expected = TokenizerFixture.Cases[0];

        for (var i = 0; i < expected.BpeTokens.Length; i++)
        {
            Assert.Equal(expected.IdsWithoutSpecialTokens[i], Tokenizer.TokenToId(expected.BpeTokens[i]));
            Assert.Equal(expected.BpeTokens[i], Tokenizer.IdToToken(expected.IdsWithoutSpecialTokens[i]));
        }

        Assert.Null(Tokenizer.TokenToId("no such token"));
        Assert.Null(Tokenizer.IdToToken(-1));
        Assert.Null(Tokenizer.IdToToken(Tokenizer.VocabularySize));
    }

    [Fact]
    public void Encode_SpecialTokenInText_MapsToItsId()
    {
        // Special tokens are cut out of the raw text like added tokens; in other casing CLIP's pattern still finds them.
        var a = Tokenizer.TokenToId("a</w>")!.Value;
        var b = Tokenizer.TokenToId("b</w>")!.Value;

        var exact = Tokenizer.EncodeWithoutSpecialTokens("a<|endoftext|>b");
        var upper = Tokenizer.EncodeWithoutSpecialTokens("a <|STARTOFTEXT|> b");

        Assert.Equal([a, Tokenizer.EosTokenId, b], exact);
        Assert.Equal([a, Tokenizer.BosTokenId, b], upper);
    }

    [Fact]
    public void Tokenize_IdeographThatNfcMakesAstral_StaysOneWord()
    {
        // NFC maps U+FA6C to U+242EE, a letter outside the BMP: CLIP's pattern keeps "x", it and "y" in one word.
        var tokens = Tokenizer.Tokenize("x\uFA6Cy z");

        Assert.Single(tokens.Take(tokens.Count - 1), t => t.EndsWith("</w>", StringComparison.Ordinal));
        Assert.Equal("x\U000242EEy z", Tokenizer.Decode(Tokenizer.Encode("x\uFA6Cy z")));
    }

    [Fact]
    public void AddTokens_ExistingToken_ThrowsNamingItAndAddsNothing()
    {
        var tokenizer = ClipTokenizer.FromPretrained(TokenizerFixture.Folder);
        tokenizer.AddTokens("<cat-toy>");
        var size = tokenizer.VocabularySize;

        foreach (var clash in new[] { "cat</w>", "<|endoftext|>", "<cat-toy>" })
        {
            var error = Assert.Throws<ArgumentException>(() => tokenizer.AddTokens("<new>", clash));
            Assert.Contains($"'{clash}'", error.Message, StringComparison.Ordinal);
        }

        var twice = Assert.Throws<ArgumentException>(() => tokenizer.AddTokens("<dup>", "<dup>"));
        Assert.Contains("'<dup>'", twice.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => tokenizer.AddTokens(string.Empty));
        Assert.Equal(size, tokenizer.VocabularySize);
        Assert.Null(tokenizer.TokenToId("<new>"));
    }

    [Fact]
    public void AddTokens_OverlappingTokens_LongestMatchWins()
    {
        var tokenizer = ClipTokenizer.FromPretrained(TokenizerFixture.Folder);
        var ids = tokenizer.AddTokens("<tok>", "<tok>_1");

        var encoded = tokenizer.EncodeWithoutSpecialTokens("<tok>_1 <tok><tok>_1");

        Assert.Equal([ids[1], ids[0], ids[1]], encoded);
        Assert.Equal("<tok>_1 <tok> <tok>_1", tokenizer.Decode(encoded));
    }

    [Fact]
    public void AddTokens_OtherCasing_IsNotMatched()
    {
        // Hugging Face's slow CLIPTokenizer matches added tokens in the raw, not yet lower-cased, text.
        var tokenizer = ClipTokenizer.FromPretrained(TokenizerFixture.Folder);
        tokenizer.AddTokens("<cat-toy>");

        var encoded = tokenizer.EncodeWithoutSpecialTokens("a <CAT-TOY>");

        Assert.Equal(Tokenizer.EncodeWithoutSpecialTokens("a <cat-toy>"), encoded);
    }

    [Fact]
    public void FromPretrained_AddedTokensJson_AddsTokensWithTheirIds()
    {
        using var folder = TokenizerFolder.CopyOfFixture();
        folder.Write("added_tokens.json", """{"<|endoftext|>": 49407, "<flower>": 49409, "<cat-toy>": 49408}""");

        var tokenizer = ClipTokenizer.FromPretrained(folder.Path);

        Assert.Equal(49408, tokenizer.TokenToId("<cat-toy>"));
        Assert.Equal(49409, tokenizer.TokenToId("<flower>"));
        Assert.Equal(49410, tokenizer.VocabularySize);
    }

    [Fact]
    public void FromPretrained_AddedTokenIdGap_ThrowsNamingFile()
    {
        using var folder = TokenizerFolder.CopyOfFixture();
        folder.Write("added_tokens.json", """{"<cat-toy>": 49409}""");

        var error = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromPretrained(folder.Path));

        Assert.Contains("added_tokens.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("'<cat-toy>'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownId_ThrowsNamingId()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([320, 99999]));

        Assert.Contains("99999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeToTensor_Batch_RowsAreEncodings()
    {
        string[] prompts = ["a photo of sks dog", string.Empty];

        using var ids = Tokenizer.EncodeToTensor(prompts);

        Assert.Equal(ScalarType.Int64, ids.dtype);
        Assert.Equal([2L, 77L], ids.shape);
        for (var row = 0; row < prompts.Length; row++)
        {
            using var slice = ids[row];
            Assert.Equal(Tokenizer.Encode(prompts[row]).Select(i => (long)i), slice.data<long>().ToArray());
        }
    }

    [Property(Arbitrary = [typeof(TokenizerArbitraries)], MaxTest = 300)]
    public void EncodeWithoutSpecialTokens_RandomText_MatchesReference(PromptText text)
    {
        Assert.Equal(Reference.Value.Encode(text.Value), Tokenizer.EncodeWithoutSpecialTokens(text.Value));
    }

    [Property(Arbitrary = [typeof(TokenizerArbitraries)], MaxTest = 300)]
    public void Encode_AnyText_Meets_Specification(PromptText text)
    {
        var content = Tokenizer.EncodeWithoutSpecialTokens(text.Value);

        var ids = Tokenizer.Encode(text.Value);

        var end = Array.IndexOf(ids, Tokenizer.EosTokenId);
        Assert.Equal(77, ids.Length);
        Assert.Equal(Tokenizer.BosTokenId, ids[0]);
        Assert.Equal(Math.Min(content.Length, 75) + 1, end);
        Assert.All(ids[(end + 1)..], id => Assert.Equal(Tokenizer.PadTokenId, id));
        Assert.DoesNotContain(Tokenizer.BosTokenId, ids[1..]);
    }

    [Property(Arbitrary = [typeof(TokenizerArbitraries)], MaxTest = 300)]
    public void Decode_EncodedLowercaseWords_Meets_Specification(LowercaseWords words)
    {
        Assert.Equal(words.Value, Tokenizer.Decode(Tokenizer.Encode(words.Value)));
    }
}
