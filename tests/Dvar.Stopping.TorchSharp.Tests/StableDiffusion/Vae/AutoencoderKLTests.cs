using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Vae;

public class AutoencoderKLTests
{
    private const string WeightsFile = "diffusion_pytorch_model.safetensors";

    public static TheoryData<string, string> EncodeCases => Cases("encode");

    public static TheoryData<string, string> DecodeCases => Cases("decode");

    [Theory]
    [InlineData("vae")]
    [InlineData("vae_legacy")]
    public void StateDictKeys_MatchFixtureFile(string folder)
    {
        using var model = new AutoencoderKL(ConfigJson.Read<AutoencoderKLConfig>(FixturePaths.Get("sd-tiny", folder, "config.json")));
        var stored = SafetensorsFile.ReadHeader(FixturePaths.Get("sd-tiny", "vae", WeightsFile)).Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());

        var actual = StructureKeys.Of(model);

        Assert.Equal(stored.Keys.Order(StringComparer.Ordinal), actual.Select(k => k.Key).Order(StringComparer.Ordinal));
        Assert.All(actual, k => Assert.Equal(stored[k.Key], k.Shape));
    }

    [Fact]
    public void StateDictKeys_Sd15Config_MatchKeysJsonInOrder()
    {
        using var model = new AutoencoderKL(ConfigJson.Read<AutoencoderKLConfig>(FixturePaths.Get("sd15-structure", "vae", "config.json")));

        StructureKeys.AssertMatches("vae", model);
    }

    [Theory]
    [MemberData(nameof(EncodeCases))]
    public void Encode_FixtureCase_MatchesReference(string folder, string name)
    {
        using var cases = ReferenceCases.Load("vae");
        using var model = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", folder));
        var (atol, rtol) = cases.Tolerance(name);
        using var noGrad = no_grad();

        using var posterior = model.Encode(cases[$"{name}.input.image"]);
        using var sample = posterior.Sample(cases[$"{name}.input.noise"]);
        using var scaled = sample * model.ScalingFactor;

        TensorAssert.Close(posterior.Moments, cases[$"{name}.output.moments"], atol, rtol, "moments");
        TensorAssert.Close(posterior.Mean, cases[$"{name}.output.mean"], atol, rtol, "mean");
        TensorAssert.Close(posterior.LogVar, cases[$"{name}.output.logvar"], atol, rtol, "logvar");
        TensorAssert.Close(posterior.Std, cases[$"{name}.output.std"], atol, rtol, "std");
        TensorAssert.Close(sample, cases[$"{name}.output.latent_sample"], atol, rtol, "latent_sample");
        TensorAssert.Close(scaled, cases[$"{name}.output.latent_sample_scaled"], atol, rtol, "latent_sample_scaled");
    }

    [Theory]
    [MemberData(nameof(DecodeCases))]
    public void Decode_FixtureCase_MatchesReference(string folder, string name)
    {
        using var cases = ReferenceCases.Load("vae");
        using var model = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", folder));
        var (atol, rtol) = cases.Tolerance(name);
        using var noGrad = no_grad();

        using var image = model.Decode(cases[$"{name}.input.latents"]);

        TensorAssert.Close(image, cases[$"{name}.output.image"], atol, rtol, "image");
    }

    [Fact]
    public void EncodeSampleDecode_Repeated_KeepLiveTensorCountFlat()
    {
        using var cases = ReferenceCases.Load("vae");
        using var model = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"));
        using var generator = new Generator(0, CPU);
        using var noGrad = no_grad();

        LiveTensors.AssertNoGrowth(100, () =>
        {
            using var posterior = model.Encode(cases["encode.input.image"]);
            using var latents = posterior.Sample(generator);
            using var image = model.Decode(latents);
        });
    }

    [Fact]
    public void FromPretrained_LegacyAttentionNames_LoadTheSameValues()
    {
        using var current = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"));
        using var legacy = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae_legacy"));

        AssertSameState(current, legacy);
    }

    [Fact]
    public void FromPretrained_AttentionWeightsAs1x1Convolutions_LoadTheSameValues()
    {
        // Old conversions stored the legacy projections as 1x1 convolution kernels [C, C, 1, 1].
        using var dir = new TemporaryFolder();
        File.Copy(FixturePaths.Get("sd-tiny", "vae_legacy", "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(FixturePaths.Get("sd-tiny", "vae_legacy", WeightsFile));
        var written = tensors.ToDictionary(
            kv => kv.Key,
            kv => kv.Key.Contains("attentions.0.", StringComparison.Ordinal) && !kv.Key.Contains("group_norm", StringComparison.Ordinal) && kv.Key.EndsWith(".weight", StringComparison.Ordinal)
                ? kv.Value.reshape(kv.Value.shape[0], kv.Value.shape[1], 1, 1)
                : kv.Value);
        Assert.Equal(8, written.Values.Count(t => t.dim() == 4 && t.shape[2] == 1 && t.shape[0] == 64 && t.shape[1] == 64));
        SafetensorsFile.Write(Path.Combine(dir.Path, WeightsFile), written);
        foreach (var tensor in tensors.Values.Concat(written.Values))
        {
            tensor.Dispose();
        }

        using var current = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"));
        using var converted = AutoencoderKL.FromPretrained(dir.Path);

        AssertSameState(current, converted);
    }

    [Fact]
    public void FromPretrained_ConvolutionStoredWithoutSingletonDimensions_ThrowsWrongShape()
    {
        // Only the attention projections may differ by trailing 1s; quant_conv is a real 1x1 convolution [8, 8, 1, 1].
        using var dir = new TemporaryFolder();
        File.Copy(FixturePaths.Get("sd-tiny", "vae", "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(FixturePaths.Get("sd-tiny", "vae", WeightsFile));
        var kernel = tensors["quant_conv.weight"];
        Assert.Equal([8L, 8, 1, 1], kernel.shape);
        using var squeezed = kernel.reshape(8, 8);
        SafetensorsFile.Write(Path.Combine(dir.Path, WeightsFile), tensors.Select(kv => kv.Key == "quant_conv.weight" ? new(kv.Key, squeezed) : kv));
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.FromPretrained(dir.Path));

        Assert.Contains("quant_conv.weight expected [8, 8, 1, 1], got [8, 8]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_BothNamingsInOneFile_ThrowsNamingTheDuplicate()
    {
        using var dir = new TemporaryFolder();
        File.Copy(FixturePaths.Get("sd-tiny", "vae", "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(FixturePaths.Get("sd-tiny", "vae", WeightsFile));
        using var extra = tensors["encoder.mid_block.attentions.0.to_q.bias"].clone();
        SafetensorsFile.Write(Path.Combine(dir.Path, WeightsFile), tensors.Append(new("encoder.mid_block.attentions.0.query.bias", extra)));
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.FromPretrained(dir.Path));

        Assert.Contains("module key 'encoder.mid_block.attentions.0.to_q.bias'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'encoder.mid_block.attentions.0.query.bias' in", e.Message, StringComparison.Ordinal);
        Assert.Contains("'encoder.mid_block.attentions.0.to_q.bias' in", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_IntegerDtype_ThrowsNamingDtype()
    {
        var e = Assert.Throws<ArgumentException>(() => AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"), dtype: ScalarType.Int64));

        Assert.Equal("dtype", e.ParamName);
    }

    [Fact]
    public void FromPretrained_InvalidConfig_ThrowsNamingFileAndKey()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), """{"block_out_channels": [32, 48], "norm_num_groups": 32, "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"], "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"]}""");

        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.FromPretrained(dir.Path));

        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("block_out_channels entry 48", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_SameSeed_SameLatentsAndEqualsMeanPlusStdTimesSeededNoise()
    {
        using var cases = ReferenceCases.Load("vae");
        using var model = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"));
        using var noGrad = no_grad();
        using var posterior = model.Encode(cases["encode.input.image"]);
        using var first = new Generator(1234);
        using var second = new Generator(1234);
        using var reference = new Generator(1234);

        using var a = posterior.Sample(first);
        using var b = posterior.Sample(second);
        using var noise = randn(posterior.Mean.shape, generator: reference);
        using var expected = posterior.Mean + posterior.Std * noise;

        Assert.True(a.Equals(b));
        Assert.True(a.Equals(expected));
    }

    [Fact]
    public void Sample_DifferentSeeds_DifferentLatents()
    {
        using var cases = ReferenceCases.Load("vae");
        using var model = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"));
        using var noGrad = no_grad();
        using var posterior = model.Encode(cases["encode.input.image"]);
        using var first = new Generator(1);
        using var second = new Generator(2);

        using var a = posterior.Sample(first);
        using var b = posterior.Sample(second);

        using var difference = (a - b).abs();
        Assert.True(difference.min().item<float>() >= 0 && difference.max().item<float>() > 0.1f);
        Assert.Equal(posterior.Mean.shape, a.shape);
    }

    [Fact]
    public void Forward_Image_EqualsDecodeOfPosteriorMode()
    {
        using var cases = ReferenceCases.Load("vae");
        using var model = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"));
        using var noGrad = no_grad();
        var image = cases["encode.input.image"];

        using var actual = model.forward(image);
        using var posterior = model.Encode(image);
        using var expected = model.Decode(posterior.Mean);

        Assert.True(actual.Equals(expected));
    }

    [Fact]
    public void FromPretrained_Float64_MatchesReference()
    {
        using var cases = ReferenceCases.Load("vae");
        using var model = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae_legacy"), dtype: ScalarType.Float64);
        var (atol, rtol) = cases.Tolerance("decode");
        using var noGrad = no_grad();
        using var latents = cases["decode.input.latents"].to_type(ScalarType.Float64);

        using var image = model.Decode(latents);

        Assert.Equal(ScalarType.Float64, image.dtype);
        TensorAssert.Close(image, cases["decode.output.image"], atol, rtol, "image");
    }

    public static TheoryData<long[], string> BadImages => new()
    {
        { [3, 32, 32], "must be [B, 3, H, W]" },
        { [1, 4, 32, 32], "must be [B, 3, H, W]" },
        { [1, 3, 31, 32], "positive multiples of 2" },
        { [1, 3, 32, 0], "positive multiples of 2" },
        { [0, 3, 32, 32], "non-empty" },
    };

    [Theory]
    [MemberData(nameof(BadImages))]
    public void Encode_BadImage_ThrowsNamingTheProblem(long[] shape, string expected)
    {
        using var model = new AutoencoderKL(TinyConfig());
        using var image = zeros(shape);

        var e = Assert.Throws<ArgumentException>(() => model.Encode(image));

        Assert.Equal("image", e.ParamName);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_ImageOfOtherDtype_ThrowsNamingBothDtypes()
    {
        using var model = new AutoencoderKL(TinyConfig());
        using var image = zeros([1, 3, 8, 8], ScalarType.Float64);

        var e = Assert.Throws<ArgumentException>(() => model.Encode(image));

        Assert.Contains("Float64", e.Message, StringComparison.Ordinal);
        Assert.Contains("Float32", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new long[] { 1, 3, 16, 16 })]
    [InlineData(new long[] { 4, 16, 16 })]
    public void Decode_LatentsOfWrongShape_ThrowsNamingLatentChannels(long[] shape)
    {
        using var model = new AutoencoderKL(TinyConfig());
        using var latents = zeros(shape);

        var e = Assert.Throws<ArgumentException>(() => model.Decode(latents));

        Assert.Equal("latents", e.ParamName);
        Assert.Contains("[B, 4, H, W]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_InvalidConfig_ThrowsNamingKey()
    {
        var e = Assert.Throws<ArgumentException>(() => new AutoencoderKL(new AutoencoderKLConfig { LatentChannels = 0 }));

        Assert.Contains("latent_channels", e.Message, StringComparison.Ordinal);
    }

    private static AutoencoderKLConfig TinyConfig() => new()
    {
        BlockOutChannels = [8, 16],
        DownBlockTypes = [VaeDownBlockType.DownEncoderBlock2D, VaeDownBlockType.DownEncoderBlock2D],
        UpBlockTypes = [VaeUpBlockType.UpDecoderBlock2D, VaeUpBlockType.UpDecoderBlock2D],
        NormNumGroups = 4,
    };

    private static void AssertSameState(AutoencoderKL expected, AutoencoderKL actual)
    {
        var actualState = actual.state_dict();
        foreach (var (key, tensor) in expected.state_dict())
        {
            Assert.True(tensor.Equals(actualState[key]), key);
        }
    }

    private static TheoryData<string, string> Cases(string kind)
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in new[] { "vae", "vae_legacy" })
        {
            foreach (string name in ReferenceCases.Names("vae"))
            {
                if (name.StartsWith(kind, StringComparison.Ordinal))
                {
                    data.Add(folder, name);
                }
            }
        }

        return data;
    }
}
