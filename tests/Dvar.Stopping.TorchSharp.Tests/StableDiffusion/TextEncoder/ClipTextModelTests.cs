using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.TextEncoder;

public class ClipTextModelTests
{
    private const string PositionIdsKey = "text_model.embeddings.position_ids";

    private static string TinyFolder => FixturePaths.Get("sd-tiny", "text_encoder");

    [Fact]
    public void StateDictKeys_MatchFixtureFile()
    {
        using var model = new ClipTextModel(ConfigJsonRead(Path.Combine(TinyFolder, "config.json")));
        var stored = SafetensorsFile.ReadHeader(Path.Combine(TinyFolder, "model.safetensors")).Tensors
            .ToDictionary(t => t.Name, t => t.Shape.ToArray());

        var actual = StructureKeys.Of(model);

        Assert.Equal(stored.Keys.Order(StringComparer.Ordinal), actual.Select(k => k.Key).Order(StringComparer.Ordinal));
        Assert.All(actual, k => Assert.Equal(stored[k.Key], k.Shape));
    }

    [Fact]
    public void StateDictKeys_Sd15Config_MatchKeysJsonInOrder()
    {
        using var model = new ClipTextModel(ConfigJsonRead(FixturePaths.Get("sd15-structure", "text_encoder", "config.json")));

        StructureKeys.AssertMatches("text_encoder", model);
    }

    [Fact]
    public void Encode_FixtureInputs_MatchReference()
    {
        using var cases = ReferenceCases.Load("text_encoder");
        using var model = ClipTextModel.FromPretrained(TinyFolder);
        var (atol, rtol) = cases.Tolerance("b3");
        using var noGrad = no_grad();

        using var output = model.Encode(cases["b3.input.input_ids"], outputHiddenStates: true);

        TensorAssert.Close(output.LastHiddenState, cases["b3.output.last_hidden_state"], atol, rtol, "last_hidden_state");
        TensorAssert.Close(output.PoolerOutput, cases["b3.output.pooler_output"], atol, rtol, "pooler_output");
        Assert.Equal(model.Config.NumHiddenLayers + 1, output.HiddenStates.Count);
        for (int i = 0; i < output.HiddenStates.Count; i++)
        {
            TensorAssert.Close(output.HiddenStates[i], cases[$"b3.output.hidden_states.{i}"], atol, rtol, $"hidden_states.{i}");
        }
    }

    [Fact]
    public void Forward_FixtureInputs_MatchLastHiddenState()
    {
        using var model = ClipTextModel.FromPretrained(TinyFolder);

        AssertForwardMatchesReference(model);
    }

    [Fact]
    public void FromPretrained_FileWithPositionIds_LoadsAndIgnoresThem()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(TinyFolder, "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(Path.Combine(TinyFolder, "model.safetensors"));
        using (var positionIds = arange(77, dtype: ScalarType.Int64).unsqueeze(0))
        {
            // Published SD v1.5 files carry transformers' int64 [1, 77] position_ids buffer.
            tensors.Add(PositionIdsKey, positionIds);
            SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        }

        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        using var model = ClipTextModel.FromPretrained(dir.Path);

        AssertForwardMatchesReference(model);
        Assert.DoesNotContain(PositionIdsKey, model.state_dict().Keys);
    }

    [Fact]
    public void FromPretrained_ShardedWeights_MatchReference()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(TinyFolder, "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(Path.Combine(TinyFolder, "model.safetensors"));
        static bool InFirst(string key) => key.StartsWith("text_model.embeddings.", StringComparison.Ordinal);
        SafetensorsFile.Write(Path.Combine(dir.Path, "model-00001-of-00002.safetensors"), tensors.Where(kv => InFirst(kv.Key)));
        SafetensorsFile.Write(Path.Combine(dir.Path, "model-00002-of-00002.safetensors"), tensors.Where(kv => !InFirst(kv.Key)));
        var weightMap = tensors.Keys.ToDictionary(k => k, k => InFirst(k) ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        File.WriteAllText(Path.Combine(dir.Path, "model.safetensors.index.json"), System.Text.Json.JsonSerializer.Serialize(new { weight_map = weightMap }));
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        using var model = ClipTextModel.FromPretrained(dir.Path);

        AssertForwardMatchesReference(model);
    }

    [Fact]
    public void FromPretrained_Fp16Variant_LoadsTheVariantFileInTheRequestedDtype()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(TinyFolder, "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(Path.Combine(TinyFolder, "model.safetensors"));
        var half = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float16));
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.fp16.safetensors"), half);

        using var model = ClipTextModel.FromPretrained(dir.Path, dtype: ScalarType.Float16, variant: "fp16");

        foreach (var (key, parameter) in model.state_dict())
        {
            Assert.Equal(ScalarType.Float16, parameter.dtype);
            Assert.True(parameter.Equals(half[key]), key);
        }

        foreach (var tensor in tensors.Values.Concat(half.Values))
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public void FromPretrained_MissingTensor_ThrowsNamingFileAndKey()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(TinyFolder, "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(Path.Combine(TinyFolder, "model.safetensors"));
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), tensors.Where(kv => kv.Key != "text_model.final_layer_norm.bias"));
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        var e = Assert.Throws<InvalidDataException>(() => ClipTextModel.FromPretrained(dir.Path));

        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("text_model.final_layer_norm.bias", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_IntegerDtype_ThrowsNamingDtype()
    {
        var e = Assert.Throws<ArgumentException>(() => ClipTextModel.FromPretrained(TinyFolder, dtype: ScalarType.Int64));

        Assert.Equal("dtype", e.ParamName);
    }

    [Fact]
    public void FromPretrained_InvalidConfig_ThrowsNamingFileAndKey()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), """{"hidden_size": 30, "num_attention_heads": 4}""");

        var e = Assert.Throws<InvalidDataException>(() => ClipTextModel.FromPretrained(dir.Path));

        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("hidden_size (30)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_Float64_RunsInThatDtypeAndMatchesReference()
    {
        using var model = ClipTextModel.FromPretrained(TinyFolder, dtype: ScalarType.Float64);

        Assert.Equal(ScalarType.Float64, AssertForwardMatchesReference(model));
    }

    [Fact]
    public void Encode_LegacyEosTokenId_PoolsAtArgmaxOfIds()
    {
        // SD v1.5's config says eos_token_id 2; transformers then pools at argmax(input_ids), which is an added token when present.
        using var dir = new TemporaryFolder();
        string json = File.ReadAllText(Path.Combine(TinyFolder, "config.json")).Replace("\"eos_token_id\": 49407", "\"eos_token_id\": 2", StringComparison.Ordinal);
        Assert.Contains("\"eos_token_id\": 2", json, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), json);
        File.Copy(Path.Combine(TinyFolder, "model.safetensors"), Path.Combine(dir.Path, "model.safetensors"));
        using var model = ClipTextModel.FromPretrained(dir.Path);
        using var row = zeros(1, model.Config.HiddenSize);
        model.ResizeTokenEmbeddings(49409, row);
        using var ids = tensor(new long[] { 49406, 320, 49408, 530, 49407, 49407, 49407, 49407 }).unsqueeze(0);
        using var noGrad = no_grad();

        using var output = model.Encode(ids);

        Assert.True(model.Config.UsesLegacyArgmaxPooling);
        using var expected = output.LastHiddenState[0, 2].unsqueeze(0);
        Assert.True(expected.Equals(output.PoolerOutput));
    }

    [Fact]
    public void Encode_CurrentEosTokenId_PoolsAtFirstEos()
    {
        using var model = ClipTextModel.FromPretrained(TinyFolder);
        using var row = zeros(1, model.Config.HiddenSize);
        model.ResizeTokenEmbeddings(49409, row);
        using var ids = tensor(new long[] { 49406, 320, 49408, 530, 49407, 49407, 49407, 49407 }).unsqueeze(0);
        using var noGrad = no_grad();

        using var output = model.Encode(ids);

        using var expected = output.LastHiddenState[0, 4].unsqueeze(0);
        Assert.True(expected.Equals(output.PoolerOutput));
        Assert.Empty(output.HiddenStates);
    }

    [Fact]
    public void ResizeTokenEmbeddings_Grow_KeepsRowsAppendsGivenRowsAndOldIdsEncodeAsBefore()
    {
        using var model = ClipTextModel.FromPretrained(TinyFolder);
        using var before = model.TokenEmbedding.weight!.detach().clone();
        using var generator = new Generator(7);
        using var rows = randn([3, model.Config.HiddenSize], dtype: ScalarType.Float64, generator: generator);

        model.ResizeTokenEmbeddings(49411, rows);

        var after = model.TokenEmbedding.weight!;
        Assert.Equal([49411L, model.Config.HiddenSize], after.shape);
        Assert.Equal(49411, model.Config.VocabSize);
        Assert.True(after.requires_grad);
        using var kept = after.narrow(0, 0, 49408);
        Assert.True(kept.Equals(before));
        using var added = after.narrow(0, 49408, 3);
        using var rowsAsFloat = rows.to_type(ScalarType.Float32);
        Assert.True(added.Equals(rowsAsFloat));
        Assert.Contains(model.parameters(), p => p.shape[0] == 49411);
        AssertForwardMatchesReference(model);
    }

    [Fact]
    public void ResizeTokenEmbeddings_NewId_UsesTheNewRow()
    {
        using var model = ClipTextModel.FromPretrained(TinyFolder);
        var weight = model.TokenEmbedding.weight!;
        using var catRow = weight[2368].unsqueeze(0).clone();
        model.ResizeTokenEmbeddings(49409, catRow);
        using var noGrad = no_grad();
        using var withNewToken = tensor(new long[] { 49406, 320, 49408, 49407 }).unsqueeze(0);
        using var withCopiedToken = tensor(new long[] { 49406, 320, 2368, 49407 }).unsqueeze(0);

        using var actual = model.forward(withNewToken);
        using var expected = model.forward(withCopiedToken);

        Assert.True(actual.Equals(expected));
    }

    [Fact]
    public void ResizeTokenEmbeddings_Shrink_Throws()
    {
        using var model = new ClipTextModel(TinyConfig());
        using var rows = zeros(0, 32);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ResizeTokenEmbeddings(100, rows));

        Assert.Equal("newVocabSize", e.ParamName);
    }

    [Fact]
    public void ResizeTokenEmbeddings_RowsOfWrongShape_ThrowsNamingShapes()
    {
        using var model = new ClipTextModel(TinyConfig());
        using var rows = zeros(2, 32);

        var e = Assert.Throws<ArgumentException>(() => model.ResizeTokenEmbeddings(model.Config.VocabSize + 1, rows));

        Assert.Equal("newRows", e.ParamName);
        Assert.Contains("[1, 32]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 32]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardFromTokenEmbeddings_EmbeddingsOfIds_EqualsForward()
    {
        using var cases = ReferenceCases.Load("text_encoder");
        using var model = ClipTextModel.FromPretrained(TinyFolder);
        var ids = cases["b3.input.input_ids"];
        using var noGrad = no_grad();
        using var embeds = model.TokenEmbedding.forward(ids);

        using var actual = model.ForwardFromTokenEmbeddings(embeds);
        using var expected = model.forward(ids);

        Assert.True(actual.Equals(expected));
    }

    [Fact]
    public void ForwardFromTokenEmbeddings_GradientReachesOnlyUsedEmbeddingRows()
    {
        // Textual Inversion's path: gradients flow from the output back to the token embedding table.
        using var model = ClipTextModel.FromPretrained(TinyFolder);
        using var ids = tensor(new long[] { 49406, 320, 1125, 49407 }).unsqueeze(0);
        using var output = model.forward(ids);
        using var loss = output.sum();

        loss.backward();

        var weight = model.TokenEmbedding.weight!;
        using var grad = weight.grad!;
        using var rowNorms = grad.abs().sum(1);
        using var usedRows = rowNorms.nonzero().flatten();
        Assert.Equal([320L, 1125L, 49406L, 49407L], usedRows.data<long>().ToArray());
    }

    public static TheoryData<long[], string> BadIdShapes => new()
    {
        { [77], "must be [B, L]" },
        { [1, 78], "between 1 and max_position_embeddings (77)" },
        { [1, 0], "between 1 and max_position_embeddings (77)" },
    };

    [Theory]
    [MemberData(nameof(BadIdShapes))]
    public void Forward_IdsOfWrongShape_ThrowsNamingTheProblem(long[] shape, string expected)
    {
        using var model = new ClipTextModel(TinyConfig());
        using var ids = zeros(shape, ScalarType.Int64);

        var e = Assert.Throws<ArgumentException>(() => model.forward(ids));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(49408)]
    public void Forward_IdOutOfVocabulary_ThrowsNamingTheRange(long id)
    {
        using var model = new ClipTextModel(TinyConfig());
        using var ids = tensor(new long[] { 49406, id, 49407 }).unsqueeze(0);

        var e = Assert.Throws<ArgumentException>(() => model.forward(ids));

        Assert.Contains("[0, 49408)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_Int32Ids_EqualInt64Ids()
    {
        using var cases = ReferenceCases.Load("text_encoder");
        using var model = ClipTextModel.FromPretrained(TinyFolder);
        var ids = cases["b3.input.input_ids"];
        using var ids32 = ids.to_type(ScalarType.Int32);
        using var noGrad = no_grad();

        using var actual = model.forward(ids32);
        using var expected = model.forward(ids);

        Assert.True(actual.Equals(expected));
    }

    [Fact]
    public void Forward_FloatIds_ThrowsNamingDtype()
    {
        using var model = new ClipTextModel(TinyConfig());
        using var ids = zeros(1, 4);

        var e = Assert.Throws<ArgumentException>(() => model.forward(ids));

        Assert.Contains("int64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardFromTokenEmbeddings_WrongWidth_ThrowsNamingShape()
    {
        using var model = new ClipTextModel(TinyConfig());
        using var embeds = zeros(1, 4, 31);

        var e = Assert.Throws<ArgumentException>(() => model.ForwardFromTokenEmbeddings(embeds));

        Assert.Contains("[B, L, 32]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_InvalidConfig_ThrowsNamingKey()
    {
        var e = Assert.Throws<ArgumentException>(() => new ClipTextModel(new ClipTextConfig { NumHiddenLayers = 0 }));

        Assert.Contains("num_hidden_layers", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs the b3 case's ids through forward and checks the reference last_hidden_state; returns the output dtype.</summary>
    private static ScalarType AssertForwardMatchesReference(ClipTextModel model)
    {
        using var cases = ReferenceCases.Load("text_encoder");
        var (atol, rtol) = cases.Tolerance("b3");
        using var noGrad = no_grad();
        using var actual = model.forward(cases["b3.input.input_ids"]);
        TensorAssert.Close(actual, cases["b3.output.last_hidden_state"], atol, rtol, "last_hidden_state");
        return actual.dtype;
    }

    private static ClipTextConfig TinyConfig() => new()
    {
        HiddenSize = 32,
        IntermediateSize = 64,
        NumAttentionHeads = 4,
        NumHiddenLayers = 2,
    };

    private static ClipTextConfig ConfigJsonRead(string path) => ConfigJson.Read<ClipTextConfig>(path);
}
