using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

public partial class TextualInversionTests
{
    [Fact]
    public void LoadEmbeddings_A1111File_UsesFileNameAsTokenAndAppendsFrozenRows()
    {
        using var dir = new TemporaryFolder();
        using var rows = arange(64, dtype: ScalarType.Float32).view(2, 32) / 64;
        string path = Path.Combine(dir.Path, "my-style.safetensors");
        SafetensorsFile.Write(path, [new("emb_params", rows)]);
        using var pipeline = TinyPipeline.Load();

        string placeholder = TextualInversion.LoadEmbeddings(pipeline, path);

        Assert.Equal("my-style my-style_1", placeholder);
        Assert.Equal([49408, 49409], pipeline.Tokenizer.EncodeWithoutSpecialTokens(placeholder));
        Assert.Equal(49410, pipeline.TextEncoder.Config.VocabSize);
        using var table = pipeline.TextEncoder.TokenEmbedding.weight!.detach();
        Assert.True(table[49408..].Equals(rows));
    }

    [Fact]
    public void LoadEmbeddings_TokenArgument_OverridesFileKey()
    {
        using var dir = new TemporaryFolder();
        using var rows = ones(1, 32);
        string path = Path.Combine(dir.Path, "learned_embeds.safetensors");
        SafetensorsFile.Write(path, [new("<old>", rows)]);
        using var pipeline = TinyPipeline.Load();

        string placeholder = TextualInversion.LoadEmbeddings(pipeline, path, token: "<new>");

        Assert.Equal("<new>", placeholder);
        Assert.Null(pipeline.Tokenizer.TokenToId("<old>"));
    }

    [Fact]
    public void LoadEmbeddings_OneDimensionalTensor_AddsOneToken()
    {
        using var dir = new TemporaryFolder();
        using var row = ones(32) * 0.5;
        string path = Path.Combine(dir.Path, "<new1>.safetensors");
        SafetensorsFile.Write(path, [new("<new1>", row)]);
        using var pipeline = TinyPipeline.Load();

        string placeholder = TextualInversion.LoadEmbeddings(pipeline, path);

        Assert.Equal("<new1>", placeholder);
        using var table = pipeline.TextEncoder.TokenEmbedding.weight!.detach();
        Assert.True(table[49408].Equals(row));
    }

    [Fact]
    public void LoadEmbeddings_BFloat16Pipeline_StoresRowsInPipelineDtype()
    {
        using var dir = new TemporaryFolder();
        using var row = ones(1, 32);
        string path = Path.Combine(dir.Path, "e.safetensors");
        SafetensorsFile.Write(path, [new("<e>", row)]);
        using var pipeline = TinyPipeline.Load(ScalarType.BFloat16);

        TextualInversion.LoadEmbeddings(pipeline, path);

        Assert.Equal(ScalarType.BFloat16, pipeline.TextEncoder.TokenEmbedding.weight!.dtype);
        using var encoded = TinyPipeline.Encode(pipeline, "a <e>");
        Assert.True(encoded.isfinite().all().item<bool>());
    }

    [Fact]
    public void LoadEmbeddings_WrongHiddenSize_ThrowsNamingFileKeyAndShape()
    {
        using var dir = new TemporaryFolder();
        using var rows = ones(1, 768);
        string path = Path.Combine(dir.Path, "sd15.safetensors");
        SafetensorsFile.Write(path, [new("<big>", rows)]);
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<InvalidDataException>(() => TextualInversion.LoadEmbeddings(pipeline, path));

        Assert.Contains(path, e.Message);
        Assert.Contains("'<big>'", e.Message);
        Assert.Contains("[1, 768]", e.Message);
        Assert.Contains("hidden size is 32", e.Message);
        Assert.Null(pipeline.Tokenizer.TokenToId("<big>"));
    }

    [Theory]
    [InlineData("learned_embeds.pt")]
    [InlineData("learned_embeds.bin")]
    public void LoadEmbeddings_PickleFileName_RefusesWithClearMessage(string name)
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, name);
        File.WriteAllBytes(path, [0x80, 0x02, (byte)'}', (byte)'q', 0x00]);
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<NotSupportedException>(() => TextualInversion.LoadEmbeddings(pipeline, path));

        Assert.Contains(path, e.Message);
        Assert.Contains("pickle", e.Message);
        Assert.Contains("safetensors", e.Message);
    }

    [Fact]
    public void LoadEmbeddings_ZipPickleRenamedToSafetensors_Refuses()
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "renamed.safetensors");
        File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0]);
        using var pipeline = TinyPipeline.Load();

        Assert.Throws<NotSupportedException>(() => TextualInversion.LoadEmbeddings(pipeline, path));
    }

    [Fact]
    public void LoadEmbeddings_SeveralTensors_ThrowsListingKeys()
    {
        using var dir = new TemporaryFolder();
        using var a = ones(1, 32);
        using var b = ones(1, 32);
        string path = Path.Combine(dir.Path, "two.safetensors");
        SafetensorsFile.Write(path, [new("<a>", a), new("<b>", b)]);
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<InvalidDataException>(() => TextualInversion.LoadEmbeddings(pipeline, path));

        Assert.Contains("2 keys: <a>, <b>", e.Message);
    }

    [Fact]
    public void LoadEmbeddings_NonFiniteValues_Throws()
    {
        using var dir = new TemporaryFolder();
        using var rows = full(1, 32, float.NaN);
        string path = Path.Combine(dir.Path, "nan.safetensors");
        SafetensorsFile.Write(path, [new("<nan>", rows)]);
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<InvalidDataException>(() => TextualInversion.LoadEmbeddings(pipeline, path));

        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void LoadEmbeddings_TokenAlreadyPresent_ThrowsAndChangesNothing()
    {
        using var dir = new TemporaryFolder();
        using var rows = ones(1, 32);
        string path = Path.Combine(dir.Path, "e.safetensors");
        SafetensorsFile.Write(path, [new("<e>", rows)]);
        using var pipeline = TinyPipeline.Load();
        TextualInversion.LoadEmbeddings(pipeline, path);

        var e = Assert.Throws<ArgumentException>(() => TextualInversion.LoadEmbeddings(pipeline, path));

        Assert.Contains("'<e>' already exists", e.Message);
        Assert.Equal(49409, pipeline.TextEncoder.VocabularySize);
    }

    [Fact]
    public void LoadEmbeddings_AfterAttachingAMethod_ThrowsInvalidOperation()
    {
        using var dir = new TemporaryFolder();
        using var rows = ones(1, 32);
        string path = Path.Combine(dir.Path, "e.safetensors");
        SafetensorsFile.Write(path, [new("<e>", rows)]);
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod();
        method.Attach(pipeline);

        Assert.Throws<InvalidOperationException>(() => TextualInversion.LoadEmbeddings(pipeline, path));
        Assert.Null(pipeline.Tokenizer.TokenToId("<e>"));
    }

    [Fact]
    public void LoadEmbeddings_MissingFile_ThrowsFileNotFound()
    {
        using var pipeline = TinyPipeline.Load();

        Assert.Throws<FileNotFoundException>(() => TextualInversion.LoadEmbeddings(pipeline, "/nonexistent/e.safetensors"));
    }
}
