using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Vae;

public class AutoencoderKLConfigTests
{
    [Fact]
    public void Read_EmptyObject_HasDiffusersDefaults()
    {
        // diffusers AutoencoderKL.__init__ defaults (scaling_factor 0.18215 is SD v1.5's value).
        var config = ConfigJson.Parse<AutoencoderKLConfig>("{}", "test");

        Assert.Equal(3, config.InChannels);
        Assert.Equal(3, config.OutChannels);
        Assert.Equal([VaeDownBlockType.DownEncoderBlock2D], config.DownBlockTypes);
        Assert.Equal([VaeUpBlockType.UpDecoderBlock2D], config.UpBlockTypes);
        Assert.Equal([64], config.BlockOutChannels);
        Assert.Equal(1, config.LayersPerBlock);
        Assert.Equal("silu", config.ActFn);
        Assert.Equal(4, config.LatentChannels);
        Assert.Equal(32, config.NormNumGroups);
        Assert.Equal(32, config.SampleSize);
        Assert.Equal(0.18215, config.ScalingFactor);
        Assert.True(config.ForceUpcast);
        Assert.Equal(1, config.SpatialFactor);
    }

    [Fact]
    public void Read_Sd15Config_HasSd15ValuesAndDefaultScalingFactor()
    {
        var config = ConfigJson.Read<AutoencoderKLConfig>(FixturePaths.Get("sd15-structure", "vae", "config.json"));

        Assert.Equal([128, 256, 512, 512], config.BlockOutChannels);
        Assert.Equal(4, config.DownBlockTypes.Count);
        Assert.Equal(4, config.UpBlockTypes.Count);
        Assert.Equal(2, config.LayersPerBlock);
        Assert.Equal(32, config.NormNumGroups);
        Assert.Equal(512, config.SampleSize);
        Assert.Equal(0.18215, config.ScalingFactor);
        Assert.Equal(8, config.SpatialFactor);
        config.Validate();
    }

    [Fact]
    public void Read_TinyConfig_HasItsValues()
    {
        var config = ConfigJson.Read<AutoencoderKLConfig>(FixturePaths.Get("sd-tiny", "vae", "config.json"));

        Assert.Equal([32, 64], config.BlockOutChannels);
        Assert.Equal(8, config.NormNumGroups);
        Assert.Equal(1, config.LayersPerBlock);
        Assert.Equal(2, config.SpatialFactor);
    }

    [Theory]
    [InlineData("down_block_types", "[\"DownBlock2D\"]", "DownEncoderBlock2D")]
    [InlineData("up_block_types", "[\"AttnUpDecoderBlock2D\"]", "UpDecoderBlock2D")]
    [InlineData("down_block_types", "[\"downencoderblock2d\"]", "DownEncoderBlock2D")]
    public void Read_UnsupportedBlockType_ThrowsNamingKeyAndAcceptedNames(string key, string value, string accepted)
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "config.json");
        File.WriteAllText(path, $$"""{"{{key}}": {{value}}}""");

        var e = Assert.Throws<InvalidDataException>(() => ConfigJson.Read<AutoencoderKLConfig>(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains(accepted, e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<AutoencoderKLConfig, string> InvalidConfigs => new()
    {
        { new AutoencoderKLConfig { InChannels = 0 }, "in_channels must be at least 1; got 0" },
        { new AutoencoderKLConfig { OutChannels = 0 }, "out_channels must be at least 1" },
        { new AutoencoderKLConfig { LayersPerBlock = 0 }, "layers_per_block must be at least 1" },
        { new AutoencoderKLConfig { LatentChannels = -2 }, "latent_channels must be at least 1; got -2" },
        { new AutoencoderKLConfig { NormNumGroups = 0 }, "norm_num_groups must be at least 1" },
        { new AutoencoderKLConfig { SampleSize = 0 }, "sample_size must be at least 1" },
        { new AutoencoderKLConfig { BlockOutChannels = [] }, "block_out_channels must list at least one block" },
        { new AutoencoderKLConfig { BlockOutChannels = [64, 128] }, "down_block_types (1) and up_block_types (1) must have the same length" },
        { new AutoencoderKLConfig { BlockOutChannels = [48] }, "block_out_channels entry 48 must be at least 1 and divisible by norm_num_groups (32)" },
        { new AutoencoderKLConfig { DownBlockTypes = [(VaeDownBlockType)3] }, "may only be DownEncoderBlock2D" },
        { new AutoencoderKLConfig { ActFn = "relu" }, "act_fn = \"relu\" is not supported; expected \"silu\"" },
        { new AutoencoderKLConfig { ScalingFactor = double.NaN }, "scaling_factor must be finite and positive; got NaN" },
        { new AutoencoderKLConfig { ScalingFactor = 0 }, "scaling_factor must be finite and positive" },
        { new AutoencoderKLConfig { UseQuantConv = false }, "use_quant_conv = false is not supported" },
        { new AutoencoderKLConfig { UsePostQuantConv = false }, "use_post_quant_conv = false is not supported" },
        { new AutoencoderKLConfig { MidBlockAddAttention = false }, "mid_block_add_attention = false is not supported" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Validate_InvalidValue_ThrowsNamingKeyAndValue(AutoencoderKLConfig config, string expected)
    {
        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NullList_ThrowsNamingTheKey()
    {
        var e = Assert.Throws<InvalidDataException>(() => ConfigJson.Parse<AutoencoderKLConfig>("""{"block_out_channels": null}""", "vae.json"));

        Assert.Contains("block_out_channels", e.Message, StringComparison.Ordinal);
    }
}
