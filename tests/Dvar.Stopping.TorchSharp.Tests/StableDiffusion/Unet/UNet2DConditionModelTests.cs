using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;

public partial class UNet2DConditionModelTests : IClassFixture<UnetReference>
{
    private readonly UnetReference reference;

    public UNet2DConditionModelTests(UnetReference reference)
    {
        this.reference = reference;
    }

    [Fact]
    public void StateDictKeys_MatchFixtureFile()
    {
        var config = ConfigJson.Read<UNet2DConditionModelConfig>(Path.Combine(UnetReference.Folder, "config.json"));
        using var model = new UNet2DConditionModel(config);
        var header = SafetensorsFile.ReadHeader(Path.Combine(UnetReference.Folder, UNet2DConditionModel.WeightsName + ".safetensors"));

        var ours = model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        var theirs = header.Tensors.ToDictionary(t => t.Name, t => string.Join(",", t.Shape));

        var missing = theirs.Keys.Except(ours.Keys).Order(StringComparer.Ordinal).ToList();
        var unexpected = ours.Keys.Except(theirs.Keys).Order(StringComparer.Ordinal).ToList();
        var wrongShape = ours.Keys.Intersect(theirs.Keys).Where(k => ours[k] != theirs[k]).Select(k => $"{k} [{ours[k]}] vs file [{theirs[k]}]").ToList();
        Assert.True(
            missing.Count + unexpected.Count + wrongShape.Count == 0,
            $"missing: {string.Join(", ", missing)}; unexpected: {string.Join(", ", unexpected)}; wrong shape: {string.Join("; ", wrongShape)}");
    }

    [Theory]
    [InlineData("b2")]
    [InlineData("b1")]
    [InlineData("b1_nonsquare")]
    [InlineData("b1_lowvar")]
    [InlineData("b2_fp16w")]
    public void Forward_FixtureInputs_MatchReference(string name)
    {
        bool fp16Weights = reference.Cases.Case(name)["weights"]?.GetValue<string>().Contains(".fp16.", StringComparison.Ordinal) == true;
        using var fp16Model = fp16Weights ? UNet2DConditionModel.FromPretrained(UnetReference.Folder, variant: "fp16") : null;
        var model = fp16Model ?? reference.Model;
        var (atol, rtol) = reference.Cases.Fp32Tolerance(name);

        using var noGrad = no_grad();
        using var output = model.forward(Input(name, "sample"), Input(name, "timestep"), Input(name, "encoder_hidden_states"));

        TensorAssert.Close(output, reference.Cases[$"{name}.output.sample"], atol, rtol, name);
    }

    [Fact]
    public void Forward_Fp16WeightsCase_DiffersFromF32WeightsBeyondTolerance()
    {
        // The case is only meaningful if loading the wrong file would fail it (cases.json: max difference 2.83e-3).
        var (atol, rtol) = reference.Cases.Fp32Tolerance("b2_fp16w");
        using var noGrad = no_grad();
        using var output = reference.Model.forward(Input("b2_fp16w", "sample"), Input("b2_fp16w", "timestep"), Input("b2_fp16w", "encoder_hidden_states"));

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => TensorAssert.Close(output, reference.Cases["b2_fp16w.output.sample"], atol, rtol, "F32 weights"));
    }

    [Theory]
    [InlineData("time_proj")]
    [InlineData("time_embedding")]
    [InlineData("conv_in")]
    [InlineData("down_blocks.0.resnets.0")]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.attn1")]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.attn2")]
    [InlineData("down_blocks.0.attentions.0.transformer_blocks.0.ff")]
    [InlineData("down_blocks.0.attentions.0")]
    [InlineData("down_blocks.0")]
    [InlineData("down_blocks.1")]
    [InlineData("down_blocks.2")]
    [InlineData("mid_block")]
    [InlineData("up_blocks.0")]
    [InlineData("up_blocks.1")]
    [InlineData("up_blocks.2")]
    [InlineData("conv_norm_out")]
    public void Forward_B2_IntermediateMatchesReference(string path)
    {
        var (atol, rtol) = reference.Cases.Fp32Tolerance("b2");
        using var capture = new ModuleOutputCapture(reference.Model, path);
        using var noGrad = no_grad();
        using var output = reference.Model.forward(Input("b2", "sample"), Input("b2", "timestep"), Input("b2", "encoder_hidden_states"));

        TensorAssert.Close(capture.Output, reference.Cases[$"b2.intermediate.{path}"], atol, rtol, path);
    }

    [Fact]
    public void Forward_ScalarTimestep_EqualsTheSameTimestepPerRow()
    {
        using var noGrad = no_grad();
        var sample = Input("b2", "sample");
        var context = Input("b2", "encoder_hidden_states");
        using var scalar = tensor(500L);
        using var perRow = tensor(new long[] { 500, 500 });

        using var fromScalar = reference.Model.forward(sample, scalar, context);
        using var fromRows = reference.Model.forward(sample, perRow, context);

        Assert.True(fromScalar.Equals(fromRows));
    }

    [Fact]
    public void Forward_FloatTimesteps_EqualIntegerTimesteps()
    {
        using var noGrad = no_grad();
        var sample = Input("b2", "sample");
        var context = Input("b2", "encoder_hidden_states");
        using var asFloat = Input("b2", "timestep").to_type(ScalarType.Float32);

        using var fromLong = reference.Model.forward(sample, Input("b2", "timestep"), context);
        using var fromFloat = reference.Model.forward(sample, asFloat, context);

        Assert.True(fromLong.Equals(fromFloat));
    }

    [Theory]
    [InlineData(new long[] { 4, 16, 16 }, "sample")] // no batch dimension
    [InlineData(new long[] { 1, 3, 16, 16 }, "sample")] // wrong channels
    [InlineData(new long[] { 1, 4, 15, 16 }, "sample")] // H not a multiple of 4
    [InlineData(new long[] { 1, 4, 16, 18 }, "sample")] // W not a multiple of 4
    public void Forward_BadSampleShape_ThrowsNamingSampleAndShape(long[] shape, string parameter)
    {
        using var sample = zeros(shape);
        using var timestep = tensor(new long[] { 1 });
        using var context = zeros(1, 77, 32);

        var e = Assert.Throws<ArgumentException>(() => reference.Model.forward(sample, timestep, context));

        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"[{string.Join(", ", shape)}]", e.Message);
    }

    [Theory]
    [InlineData(new long[] { 2, 77, 32 })] // batch differs from sample's 1
    [InlineData(new long[] { 1, 77, 768 })] // wrong cross_attention_dim
    [InlineData(new long[] { 77, 32 })] // no batch dimension
    public void Forward_BadEncoderHiddenStates_ThrowsNamingArgumentAndShape(long[] shape)
    {
        using var sample = zeros(1, 4, 16, 16);
        using var timestep = tensor(new long[] { 1 });
        using var context = zeros(shape);

        var e = Assert.Throws<ArgumentException>(() => reference.Model.forward(sample, timestep, context));

        Assert.Equal("encoderHiddenStates", e.ParamName);
        Assert.Contains($"[{string.Join(", ", shape)}]", e.Message);
    }

    [Theory]
    [InlineData(new long[] { 3 })] // neither 1 nor B = 2
    [InlineData(new long[] { 2, 1 })] // rank 2
    public void Forward_BadTimesteps_ThrowsNamingArgumentAndShape(long[] shape)
    {
        using var sample = zeros(2, 4, 16, 16);
        using var timestep = zeros(shape, dtype: ScalarType.Int64);
        using var context = zeros(2, 77, 32);

        var e = Assert.Throws<ArgumentException>(() => reference.Model.forward(sample, timestep, context));

        Assert.Equal("timesteps", e.ParamName);
        Assert.Contains($"[{string.Join(", ", shape)}]", e.Message);
    }

    [Fact]
    public void Forward_SampleDtypeDiffersFromWeights_ThrowsNamingDtypes()
    {
        using var sample = zeros(new long[] { 1, 4, 16, 16 }, dtype: ScalarType.Float64);
        using var timestep = tensor(new long[] { 1 });
        using var context = zeros(1, 77, 32);

        var e = Assert.Throws<ArgumentException>(() => reference.Model.forward(sample, timestep, context));

        Assert.Equal("sample", e.ParamName);
        Assert.Contains("Float64", e.Message);
    }

    [Fact]
    public void FromPretrained_Float16_ConvertsEveryParameterAndSetsEvalMode()
    {
        using var model = UNet2DConditionModel.FromPretrained(UnetReference.Folder, dtype: ScalarType.Float16);

        Assert.False(model.training);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float16, p.dtype));
        using var expected = reference.Weights["conv_in.weight"].to_type(ScalarType.Float16);
        Assert.True(model.state_dict()["conv_in.weight"].Equals(expected));
    }

    [Fact]
    public void FromPretrained_MissingVariant_ThrowsListingTheFolderFiles()
    {
        var e = Assert.Throws<FileNotFoundException>(() => UNet2DConditionModel.FromPretrained(UnetReference.Folder, variant: "bf16"));

        Assert.Contains("diffusion_pytorch_model.bf16.safetensors", e.Message);
        Assert.Contains("diffusion_pytorch_model.fp16.safetensors", e.Message);
    }

    [Fact]
    public void FromPretrained_UnsupportedConfig_ThrowsNamingFileAndKey()
    {
        using var dir = CopyOfTinyUnet(json => json.Replace("\"class_embed_type\": null", "\"class_embed_type\": \"timestep\"", StringComparison.Ordinal));

        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionModel.FromPretrained(dir.Path));

        Assert.Contains(Path.Combine(dir.Path, "config.json"), e.Message);
        Assert.Contains("class_embed_type", e.Message);
    }

    [Fact]
    public void FromPretrained_WeightsOfAnotherShape_ThrowsNamingTheTensor()
    {
        using var dir = CopyOfTinyUnet(json => json.Replace("\"cross_attention_dim\": 32", "\"cross_attention_dim\": 16", StringComparison.Ordinal));

        var e = Assert.Throws<InvalidDataException>(() => UNet2DConditionModel.FromPretrained(dir.Path));

        Assert.Contains("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight expected [32, 16], got [32, 32]", e.Message);
    }

    [Fact]
    public void FromPretrained_IntegerDtype_ThrowsNamingDtype()
    {
        var e = Assert.Throws<ArgumentException>(() => UNet2DConditionModel.FromPretrained(UnetReference.Folder, dtype: ScalarType.Int64));

        Assert.Equal("dtype", e.ParamName);
    }

    [Fact]
    public void NamedAttentions_Paths_AreTheFixtureKeysAttentionModules()
    {
        var expected = reference.Weights.Keys.Where(k => k.EndsWith(".to_q.weight", StringComparison.Ordinal)).Select(k => k[..^".to_q.weight".Length]).Order(StringComparer.Ordinal);

        var actual = reference.Model.NamedAttentions().Select(a => a.Path).Order(StringComparer.Ordinal);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void DownsamplingFactor_TinyConfig_IsTwoToTheDownBlocksMinusOne()
    {
        Assert.Equal(4, reference.Model.DownsamplingFactor);
    }

    private Tensor Input(string caseName, string input) => reference.Cases[$"{caseName}.input.{input}"];

    private static TemporaryFolder CopyOfTinyUnet(Func<string, string> editConfig)
    {
        var dir = new TemporaryFolder();
        string json = File.ReadAllText(Path.Combine(UnetReference.Folder, "config.json"));
        string edited = editConfig(json);
        Assert.NotEqual(json, edited);
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), edited);
        File.Copy(Path.Combine(UnetReference.Folder, UNet2DConditionModel.WeightsName + ".safetensors"), Path.Combine(dir.Path, UNet2DConditionModel.WeightsName + ".safetensors"));
        return dir;
    }
}
