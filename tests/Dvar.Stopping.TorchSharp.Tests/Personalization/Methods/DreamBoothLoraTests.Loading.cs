using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>The fixture LoRA (tests/fixtures/sd-tiny/lora, made with diffusers 0.26.3) loaded into the tiny pipeline.</summary>
public partial class DreamBoothLoraTests
{
    private const string MergedLayer = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q";

    private static string FixtureLora => FixturePaths.Get("sd-tiny", "lora", "pytorch_lora_weights.safetensors");

    private static Tensor RunCase(StableDiffusionPipeline pipeline, ReferenceCases cases)
    {
        using var noGrad = no_grad();
        return pipeline.Unet.forward(cases["b2.input.sample"], cases["b2.input.timestep"], cases["b2.input.encoder_hidden_states"]);
    }

    [Theory]
    [InlineData(1.0, "b2")]
    [InlineData(0.5, "b2_scale0p5")]
    public void LoadWeights_FixtureLora_MatchesDiffusersOutput(double scale, string name)
    {
        using var cases = ReferenceCases.Load("lora");
        using var pipeline = TinyPipeline.Load();
        var (atol, rtol) = cases.Tolerance(name);

        var paths = DreamBoothLora.LoadWeights(pipeline, FixtureLora, scale);

        Assert.Equal(176 / 2, paths.Count); // cases.json num_tensors: 176 = a down and an up per layer
        using var output = RunCase(pipeline, cases);
        TensorAssert.Close(output, cases[$"{name}.output.sample"], atol, rtol, $"UNet with the fixture LoRA at scale {scale}");
    }

    [Fact]
    public void LoadWeights_Fused_MatchesDiffusersOutputAndMergedWeight()
    {
        using var cases = ReferenceCases.Load("lora");
        using var pipeline = TinyPipeline.Load();
        var (atol, rtol) = cases.Tolerance("b2");
        var modulesBefore = pipeline.Unet.named_modules().Select(m => m.name).ToList();

        DreamBoothLora.LoadWeights(pipeline, FixtureLora, fuse: true);

        using var output = RunCase(pipeline, cases);
        TensorAssert.Close(output, cases["b2.output.sample"], atol, rtol, "UNet with the fused fixture LoRA");
        var state = pipeline.Unet.state_dict();
        TensorAssert.Close(state[MergedLayer + ".weight"], cases[$"debug.merged_weight.{MergedLayer}.weight"], 1e-6, 1e-5, "merged weight");
        Assert.DoesNotContain(state.Keys, k => k.Contains(".lora.", StringComparison.Ordinal));
        Assert.Equal(modulesBefore, pipeline.Unet.named_modules().Select(m => m.name));
    }

    [Fact]
    public void Fuse_AfterLoadWeights_EqualsUnfusedOutput()
    {
        using var cases = ReferenceCases.Load("lora");
        using var pipeline = TinyPipeline.Load();
        DreamBoothLora.LoadWeights(pipeline, FixtureLora, scale: 0.5);
        using var unfused = RunCase(pipeline, cases);

        int fused = DreamBoothLora.Fuse(pipeline);

        Assert.Equal(88, fused);
        using var output = RunCase(pipeline, cases);
        TensorAssert.Close(output, unfused, 1e-5, 1e-5, "fused vs unfused at scale 0.5");
    }

    [Fact]
    public void Fuse_TrainingLora_ThrowsAndChangesNothing()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod(token: false);
        method.Attach(pipeline);
        var keys = pipeline.Unet.state_dict().Keys.ToList();

        Assert.Throws<InvalidOperationException>(() => DreamBoothLora.Fuse(pipeline));
        Assert.Equal(keys, pipeline.Unet.state_dict().Keys);
    }

    [Fact]
    public void LoadWeights_BFloat16Pipeline_KeepsBaseDtypeAndRuns()
    {
        using var cases = ReferenceCases.Load("lora");
        using var pipeline = TinyPipeline.Load(ScalarType.BFloat16);

        DreamBoothLora.LoadWeights(pipeline, FixtureLora);

        using var noGrad = no_grad();
        using var output = pipeline.Unet.forward(
            cases["b2.input.sample"].to(ScalarType.BFloat16), cases["b2.input.timestep"], cases["b2.input.encoder_hidden_states"].to(ScalarType.BFloat16));
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        TensorAssert.Close(output, cases["b2.output.sample"], 0.1, 0.1, "bfloat16 UNet with the fixture LoRA (coarse)");
    }

    [Fact]
    public void LoadWeights_UnknownModulePath_ThrowsListingItAndChangesNothing()
    {
        using var dir = new TemporaryFolder();
        string path = CopyFixtureWith(dir, tensors =>
        {
            using var extra = zeros(4, 32);
            tensors["unet.down_blocks.0.resnets.0.conv1.lora.down.weight"] = extra.clone();
            tensors["unet.down_blocks.0.resnets.0.conv1.lora.up.weight"] = zeros(32, 4);
        });
        using var pipeline = TinyPipeline.Load();
        var keys = pipeline.Unet.state_dict().Keys.ToList();

        var e = Assert.Throws<InvalidDataException>(() => DreamBoothLora.LoadWeights(pipeline, path));

        Assert.Contains(path, e.Message);
        Assert.Contains("2 unknown UNet module paths: unet.down_blocks.0.resnets.0.conv1.lora", e.Message);
        Assert.Equal(keys, pipeline.Unet.state_dict().Keys);
    }

    [Fact]
    public void LoadWeights_MissingUpAndWrongShape_ThrowsListingBoth()
    {
        using var dir = new TemporaryFolder();
        string upKey = $"unet.{MergedLayer}.lora.up.weight";
        string otherDown = "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.lora.down.weight";
        string path = CopyFixtureWith(dir, tensors =>
        {
            tensors.Remove(upKey, out var removed);
            removed!.Dispose();
            tensors[otherDown].Dispose();
            tensors[otherDown] = zeros(4, 31);
        });
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<InvalidDataException>(() => DreamBoothLora.LoadWeights(pipeline, path));

        Assert.Contains($"1 layers missing their lora.up or lora.down weight: {MergedLayer}", e.Message);
        Assert.Contains("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k: down F32 [4, 31]", e.Message);
    }

    [Fact]
    public void LoadWeights_TextEncoderKey_ThrowsNamingItAsUnsupported()
    {
        using var dir = new TemporaryFolder();
        string path = CopyFixtureWith(dir, tensors => tensors["text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora.down.weight"] = zeros(4, 32));
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<InvalidDataException>(() => DreamBoothLora.LoadWeights(pipeline, path));

        Assert.Contains("1 unsupported keys", e.Message);
        Assert.Contains("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora.down.weight", e.Message);
    }

    [Fact]
    public void LoadWeights_Twice_ThrowsThatLayersAlreadyHaveALora()
    {
        using var pipeline = TinyPipeline.Load();
        DreamBoothLora.LoadWeights(pipeline, FixtureLora);

        var e = Assert.Throws<InvalidDataException>(() => DreamBoothLora.LoadWeights(pipeline, FixtureLora));

        Assert.Contains("88 layers that already have a LoRA", e.Message);
    }

    [Fact]
    public void LoadWeights_PickledBinFile_RefusesWithClearMessage()
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "pytorch_lora_weights.bin");
        File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0]);
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<NotSupportedException>(() => DreamBoothLora.LoadWeights(pipeline, path));

        Assert.Contains("pickle", e.Message);
    }

    [Fact]
    public void LoadWeights_MissingFile_ThrowsFileNotFound()
    {
        using var pipeline = TinyPipeline.Load();

        Assert.Throws<FileNotFoundException>(() => DreamBoothLora.LoadWeights(pipeline, "/nonexistent/pytorch_lora_weights.safetensors"));
    }

    private static string CopyFixtureWith(TemporaryFolder dir, Action<Dictionary<string, Tensor>> change)
    {
        var tensors = SafetensorsFile.ReadAll(FixtureLora);
        try
        {
            change(tensors);
            string path = Path.Combine(dir.Path, "pytorch_lora_weights.safetensors");
            SafetensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
            return path;
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
