using System.IO.Compression;
using System.Text;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

public class ClipVocabularyReaderTests
{
    [Fact]
    public void ReadFolder_TinyFolder_ReadsTokensMergesAndDefaultLength()
    {
        using var folder = TokenizerFolder.Tiny();

        var vocabulary = ClipVocabularyReader.ReadFolder(folder.Path);

        Assert.Equal(["a", "b", "ab", "<|startoftext|>", "<|endoftext|>"], vocabulary.Tokens);
        Assert.Equal([("a", "b")], vocabulary.Merges);
        Assert.Equal(77, vocabulary.ModelMaxLength);
    }

    [Fact]
    public void ReadFolder_ConfigWithModelMaxLength_UsesIt()
    {
        using var folder = TokenizerFolder.Tiny();
        folder.Write("tokenizer_config.json", """{"model_max_length": 16, "do_lower_case": true}""");

        Assert.Equal(16, ClipVocabularyReader.ReadFolder(folder.Path).ModelMaxLength);
    }

    [Fact]
    public void ReadFolder_MissingFolder_ThrowsNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "dvar-no-such-tokenizer");

        var error = Assert.Throws<DirectoryNotFoundException>(() => ClipVocabularyReader.ReadFolder(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    public void ReadFolder_MissingFile_ThrowsNamingIt(string name)
    {
        using var folder = TokenizerFolder.Tiny();
        folder.Delete(name);

        var error = Assert.Throws<FileNotFoundException>(() => ClipVocabularyReader.ReadFolder(folder.Path));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(folder.Path, name), error.FileName);
    }

    [Theory]
    [InlineData("""{"a": 0, "b": """, "malformed JSON")]
    [InlineData("""["a", "b"]""", "expected a JSON object")]
    [InlineData("""{}""", "empty")]
    [InlineData("""{"a": 0, "b": "1", "<|startoftext|>": 2, "<|endoftext|>": 3}""", "token 'b' has id \"1\"")]
    [InlineData("""{"a": 0, "b": 5, "<|startoftext|>": 2, "<|endoftext|>": 3}""", "token 'b' has id 5")]
    [InlineData("""{"a": 0, "b": 0, "<|startoftext|>": 2, "<|endoftext|>": 3}""", "id 0 is given to both 'a' and 'b'")]
    [InlineData("""{"a": 0, "a": 1, "<|startoftext|>": 2, "<|endoftext|>": 3}""", "token 'a' appears twice")]
    [InlineData("""{"a": 0, "b": 1, "ab": 2, "<|endoftext|>": 3}""", "'<|startoftext|>' is missing")]
    public void ReadFolder_BadVocab_ThrowsNamingFileAndProblem(string vocab, string problem)
    {
        using var folder = TokenizerFolder.Tiny();
        folder.Write("vocab.json", vocab);

        var error = Assert.Throws<InvalidDataException>(() => ClipVocabularyReader.ReadFolder(folder.Path));

        Assert.Contains("vocab.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#version: 0.2\na b\nab\n", "merges.txt line 3: expected two symbols")]
    [InlineData("#version: 0.2\n\na b\n", "merges.txt line 2: expected two symbols")]
    [InlineData("#version: 0.2\na  b\n", "merges.txt line 2: expected two symbols")]
    [InlineData("#version: 0.2\na b\nb a\n", "merges.txt line 3: the merge 'b a' uses 'ba'")]
    [InlineData("a c\n", "merges.txt line 1: the merge 'a c' uses 'c'")]
    public void ReadFolder_BadMerges_ThrowsNamingFileAndLine(string merges, string problem)
    {
        using var folder = TokenizerFolder.Tiny();
        folder.Write("merges.txt", merges);

        var error = Assert.Throws<InvalidDataException>(() => ClipVocabularyReader.ReadFolder(folder.Path));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model_max_length": 1}""", "model_max_length = 1 is not supported")]
    [InlineData("""{"model_max_length": 1e+30}""", "model_max_length = 1e+30 is not supported")]
    [InlineData("""{"model_max_length": "77"}""", "model_max_length = \"77\" is not supported")]
    [InlineData("""{"model_max_length": 77""", "malformed JSON")]
    public void ReadFolder_BadTokenizerConfig_ThrowsNamingFileAndKey(string config, string problem)
    {
        using var folder = TokenizerFolder.Tiny();
        folder.Write("tokenizer_config.json", config);

        var error = Assert.Throws<InvalidDataException>(() => ClipVocabularyReader.ReadFolder(folder.Path));

        Assert.Contains("tokenizer_config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOpenAiMerges_TooFewMerges_ThrowsNamingSource()
    {
        using var gzip = Gzip("\"header\"\na b\n");

        var error = Assert.Throws<InvalidDataException>(() => ClipVocabularyReader.ReadOpenAiMerges(gzip, "tiny.gz"));

        Assert.Contains("tiny.gz: ends after 1 merges; CLIP needs 48894", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOpenAiMerges_MalformedLine_ThrowsNamingLine()
    {
        using var gzip = Gzip("\"header\"\na b\nabc\n");

        var error = Assert.Throws<InvalidDataException>(() => ClipVocabularyReader.ReadOpenAiMerges(gzip, "tiny.gz"));

        Assert.Contains("tiny.gz line 3", error.Message, StringComparison.Ordinal);
    }

    private static MemoryStream Gzip(string text)
    {
        var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(Encoding.UTF8.GetBytes(text));
        }

        buffer.Position = 0;
        return buffer;
    }
}
