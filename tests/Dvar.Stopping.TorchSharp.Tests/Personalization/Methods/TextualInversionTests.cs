using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

public partial class TextualInversionTests
{
    private const string RowsName = "text_encoder.text_model.embeddings.trainable_token_rows_0";

    private static TextualInversion NewMethod(int vectors = 1, string token = "<cat-toy>") =>
        new(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = token, InitializerToken = "toy", NumVectors = vectors });

    [Fact]
    public void Attach_TinyPipeline_AddsTokenAndTrainsOnlyItsRow()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod();

        method.Attach(pipeline);

        Assert.Equal(49408, pipeline.Tokenizer.TokenToId("<cat-toy>"));
        Assert.Equal(49409, pipeline.TextEncoder.VocabularySize);
        var (name, rows) = Assert.Single(method.TrainableParameters);
        Assert.Equal(RowsName, name);
        Assert.Equal([1L, 32L], rows.shape);
        Assert.Equal(ScalarType.Float32, rows.dtype);
        Assert.Equal([RowsName], TinyPipeline.ParametersRequiringGrad(pipeline));
    }

    [Fact]
    public void Attach_TinyPipeline_EncodesPlaceholderAsTheInitializerWord()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod();
        method.Attach(pipeline);

        using var withToken = TinyPipeline.Encode(pipeline, "a photo of a <cat-toy>");
        using var withWord = TinyPipeline.Encode(pipeline, "a photo of a toy");

        Assert.True(withToken.Equals(withWord));
    }

    [Fact]
    public void TrainingStep_TinyPipeline_ChangesOnlyThePlaceholderRows()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod(vectors: 2);

        using var run = TrainingRun.AttachAndStep(pipeline, method, learningRate: 1e-2);

        Assert.True(double.IsFinite(run.Loss));
        Assert.Empty(run.Attached.ChangedFrom(run.BeforeAttach));
        Assert.Equal([RowsName], run.After.AddedSince(run.BeforeAttach));
        Assert.Equal([RowsName], run.After.ChangedFrom(run.Attached));
        using var moved = run.After[RowsName].sub(run.Attached[RowsName]).abs().sum(1);
        Assert.True(moved.gt(0).all().item<bool>(), "every vector moved");
    }

    [Fact]
    public void Attach_ThreeVectors_AddsNumberedTokensAndExpandsPlaceholder()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod(vectors: 3);

        method.Attach(pipeline);

        Assert.Equal(["<cat-toy>", "<cat-toy>_1", "<cat-toy>_2"], method.Tokens);
        Assert.Equal("<cat-toy> <cat-toy>_1 <cat-toy>_2", method.Placeholder);
        Assert.Equal([49408, 49409, 49410], pipeline.Tokenizer.EncodeWithoutSpecialTokens(method.Placeholder));
        Assert.Equal([3L, 32L], method.TrainableParameters[0].Parameter.shape);
    }

    [Fact]
    public void Attach_InitializerOfSeveralTokens_ThrowsNamingItAndItsTokens()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<x>", InitializerToken = "toy car" });

        var e = Assert.Throws<ArgumentException>(() => method.Attach(pipeline));

        Assert.Contains("InitializerToken 'toy car'", e.Message);
        Assert.Contains("2 tokens (toy</w>, car</w>)", e.Message);
        Assert.Null(method.Pipeline);
        Assert.Equal(49408, pipeline.Tokenizer.VocabularySize);
        Assert.Equal(pipeline.TextEncoder.parameters().Count(), TinyPipeline.ParametersRequiringGrad(pipeline).Count(n => n.StartsWith("text_encoder.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Attach_TokenAlreadyPresent_ThrowsNamingTokenAndChangesNothing()
    {
        using var pipeline = TinyPipeline.Load();
        using var first = NewMethod();
        using var second = NewMethod();
        first.Attach(pipeline);

        var e = Assert.Throws<ArgumentException>(() => second.Attach(pipeline));

        Assert.Contains("'<cat-toy>' already exists", e.Message);
        Assert.Equal(49409, pipeline.Tokenizer.VocabularySize);
        Assert.Equal(49409, pipeline.TextEncoder.VocabularySize);
    }

    [Fact]
    public void Attach_Twice_Throws()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod();
        method.Attach(pipeline);

        Assert.Throws<InvalidOperationException>(() => method.Attach(pipeline));
    }

    [Fact]
    public void SaveArtifacts_NotAttached_Throws()
    {
        using var method = NewMethod();
        using var dir = new TemporaryFolder();

        Assert.Throws<InvalidOperationException>(() => method.SaveArtifacts(dir.Path));
    }

    [Fact]
    public void SaveArtifacts_AfterTraining_WritesDiffusersLearnedEmbeds()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod(vectors: 2);
        method.Attach(pipeline);
        TrainingStep.Run(pipeline, method);
        using var dir = new TemporaryFolder();

        var paths = method.SaveArtifacts(Path.Combine(dir.Path, "out"));

        string path = Assert.Single(paths);
        Assert.Equal("learned_embeds.safetensors", Path.GetFileName(path));
        var header = SafetensorsFile.ReadHeader(path);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, header.Metadata);
        var info = Assert.Single(header.Tensors);
        Assert.Equal("<cat-toy>", info.Name);
        Assert.Equal("F32", info.DType);
        Assert.Equal([2L, 32L], info.Shape);
        using var reader = SafetensorsReader.Open(path);
        using var stored = reader.ReadTensor("<cat-toy>");
        Assert.True(stored.Equals(method.TrainableParameters[0].Parameter.detach()));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void LoadEmbeddings_SavedArtifact_ReproducesTrainedTextEncoderOutput()
    {
        using var dir = new TemporaryFolder();
        using var trained = TinyPipeline.Load();
        using var method = NewMethod(vectors: 2);
        method.Attach(trained);
        TrainingStep.Run(trained, method);
        string path = method.SaveArtifacts(dir.Path)[0];
        string[] prompts = ["a photo of a " + method.Placeholder, method.Placeholder + " on a beach"];
        using var expected = TinyPipeline.Encode(trained, prompts);
        using var fresh = TinyPipeline.Load();

        string placeholder = TextualInversion.LoadEmbeddings(fresh, path);

        Assert.Equal(method.Placeholder, placeholder);
        using var actual = TinyPipeline.Encode(fresh, prompts);
        TensorAssert.Close(actual, expected, atol: 1e-6, rtol: 0, "text encoder output with the loaded token");
    }

    [Fact]
    public void TrainingStep_BFloat16Pipeline_KeepsRowsFloat32AndLossFinite()
    {
        using var pipeline = TinyPipeline.Load(ScalarType.BFloat16);
        using var method = NewMethod();
        method.Attach(pipeline);

        double loss = TrainingStep.Run(pipeline, method);

        Assert.True(double.IsFinite(loss));
        Assert.Equal(ScalarType.Float32, method.TrainableParameters[0].Parameter.dtype);
        Assert.Equal(ScalarType.BFloat16, pipeline.TextEncoder.TokenEmbedding.weight!.dtype);
    }

    [Theory]
    [InlineData("", "Token")]
    [InlineData("cat toy", "Token")]
    [InlineData("<{}>", "Token")]
    public void Ctor_InvalidToken_ThrowsNamingIt(string token, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => new TextualInversion(new TextualInversionOptions { Token = token, InitializerToken = "toy" }));

        Assert.Equal(expected, e.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(76)]
    public void Ctor_NumVectorsOutOfRange_ThrowsNamingIt(int vectors)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => NewMethod(vectors));

        Assert.Equal("NumVectors", e.ParamName);
    }

    [Fact]
    public void Ctor_EmptyInitializer_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new TextualInversion(new TextualInversionOptions { Token = "<x>", InitializerToken = " " }));

        Assert.Equal("InitializerToken", e.ParamName);
    }
}
