using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;

public class UNet2DConditionModelConfigTests
{
    private static string Sd15ConfigPath => Path.Combine(FixturePaths.Sd15Structure, "unet", "config.json");

    [Fact]
    public void Read_PublishedSd15Config_MissingKeysTakeDiffusersDefaults()
    {
        var config = ConfigJson.Read<UNet2DConditionModelConfig>(Sd15ConfigPath);

        // Present in the file.
        Assert.Equal([320, 640, 1280, 1280], config.BlockOutChannels);
        Assert.Equal([768], config.CrossAttentionDim);
        Assert.Equal([8], config.AttentionHeadDim);
        Assert.Equal(32, config.NormNumGroups);
        Assert.Equal([64], config.SampleSize);

        // Absent from the file: diffusers' defaults.
        Assert.False(config.UseLinearProjection);
        Assert.Null(config.NumAttentionHeads);
        Assert.Equal(UNetMidBlockType.UNetMidBlock2DCrossAttn, config.MidBlockType);
        Assert.Equal([1], config.TransformerLayersPerBlock);
        Assert.Equal([false], config.OnlyCrossAttention);
        Assert.False(config.UpcastAttention);
        Assert.Equal("default", config.ResnetTimeScaleShift);
        Assert.Equal("positional", config.TimeEmbeddingType);
        Assert.Null(config.ClassEmbedType);
        Assert.Null(config.TimeEmbeddingDim);
        Assert.Equal(1280, config.TimeEmbedDim);
        config.Validate();
    }

    [Fact]
    public void Read_SdTinyFullConfig_ReadsEveryListedValue()
    {
        var config = ConfigJson.Read<UNet2DConditionModelConfig>(Path.Combine(FixturePaths.SdTiny, "unet", "config.json"));

        Assert.Equal([UNetDownBlockType.CrossAttnDownBlock2D, UNetDownBlockType.CrossAttnDownBlock2D, UNetDownBlockType.DownBlock2D], config.DownBlockTypes);
        Assert.Equal([UNetUpBlockType.UpBlock2D, UNetUpBlockType.CrossAttnUpBlock2D, UNetUpBlockType.CrossAttnUpBlock2D], config.UpBlockTypes);
        Assert.Equal([32, 64, 64], config.BlockOutChannels);
        Assert.Equal(8, config.NormNumGroups);
        Assert.Equal(1e-5, config.NormEps);
        Assert.Equal([2], config.LayersPerBlock);
        Assert.True(config.FlipSinToCos);
        Assert.Equal(0, config.FreqShift);
        Assert.Equal(1, config.MidBlockScaleFactor);
        Assert.Equal(1, config.DownsamplePadding);
        config.Validate();
    }

    [Fact]
    public void Read_PerBlockLists_KeepOneValuePerBlock()
    {
        var config = Parse(new() { ["attention_head_dim"] = new JsonArray(5, 10, 20, 20), ["transformer_layers_per_block"] = new JsonArray(1, 2, 1, 1) });

        Assert.Equal([5, 10, 20, 20], config.AttentionHeadDim);
        Assert.Equal([1, 2, 1, 1], config.TransformerLayersPerBlock);
        config.Validate();
    }

    [Theory]
    [InlineData("class_embed_type", "\"timestep\"")]
    [InlineData("num_class_embeds", "10")]
    [InlineData("addition_embed_type", "\"text_time\"")]
    [InlineData("time_cond_proj_dim", "256")]
    [InlineData("encoder_hid_dim", "1024")]
    [InlineData("encoder_hid_dim_type", "\"text_proj\"")]
    [InlineData("num_attention_heads", "8")]
    [InlineData("only_cross_attention", "true")]
    [InlineData("only_cross_attention", "[false, true, false, false]")]
    [InlineData("mid_block_only_cross_attention", "true")]
    [InlineData("resnet_time_scale_shift", "\"scale_shift\"")]
    [InlineData("resnet_skip_time_act", "true")]
    [InlineData("act_fn", "\"gelu\"")]
    [InlineData("time_embedding_type", "\"fourier\"")]
    [InlineData("time_embedding_act_fn", "\"silu\"")]
    [InlineData("timestep_post_act", "\"silu\"")]
    [InlineData("attention_type", "\"gated\"")]
    [InlineData("dual_cross_attention", "true")]
    [InlineData("class_embeddings_concat", "true")]
    [InlineData("cross_attention_norm", "\"group_norm\"")]
    [InlineData("reverse_transformer_layers_per_block", "[[1], [1], [1], [1]]")]
    [InlineData("downsample_padding", "2")]
    public void Validate_UnsupportedValue_ThrowsNamingTheKey(string key, string value)
    {
        var config = Parse(new() { [key] = JsonNode.Parse(value) });

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains(key, e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public void Validate_BlockCountsDisagree_NamesBothFieldsAndValues()
    {
        var config = Parse(new() { ["up_block_types"] = new JsonArray("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D") });

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains("down_block_types has 4 entries [CrossAttnDownBlock2D, CrossAttnDownBlock2D, CrossAttnDownBlock2D, DownBlock2D]", e.Message);
        Assert.Contains("up_block_types has 3 [UpBlock2D, CrossAttnUpBlock2D, CrossAttnUpBlock2D]", e.Message);
    }

    [Fact]
    public void Validate_BlockOutChannelsCountDisagrees_NamesBothFields()
    {
        var config = Parse(new() { ["block_out_channels"] = new JsonArray(320, 640, 1280) });

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains("block_out_channels has 3 entries [320, 640, 1280] but down_block_types has 4", e.Message);
    }

    [Theory]
    [InlineData("attention_head_dim", "[8, 8]")]
    [InlineData("layers_per_block", "[2, 2, 2]")]
    [InlineData("transformer_layers_per_block", "[1, 1, 1, 1, 1]")]
    [InlineData("cross_attention_dim", "[768, 768]")]
    public void Validate_PerBlockListOfWrongLength_NamesTheKey(string key, string value)
    {
        var config = Parse(new() { [key] = JsonNode.Parse(value) });

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains($"{key} has", e.Message);
        Assert.Contains("down_block_types has 4", e.Message);
    }

    [Theory]
    [InlineData("norm_num_groups", "48", "not divisible by norm_num_groups = 48")]
    [InlineData("attention_head_dim", "7", "not divisible by its number of heads, attention_head_dim = 7")]
    [InlineData("layers_per_block", "0", "layers_per_block contains 0")]
    [InlineData("norm_eps", "0", "norm_eps = 0")]
    [InlineData("dropout", "1", "dropout = 1")]
    [InlineData("conv_in_kernel", "2", "conv_in_kernel = 2")]
    public void Validate_InconsistentValue_NamesKeyAndValue(string key, string value, string expected)
    {
        var config = Parse(new() { [key] = JsonNode.Parse(value) });

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEveryOne()
    {
        var config = Parse(new() { ["class_embed_type"] = "timestep", ["act_fn"] = "gelu" });

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains("class_embed_type", e.Message);
        Assert.Contains("act_fn", e.Message);
    }

    [Fact]
    public void Read_UnknownBlockType_NamesFileKeyAndAcceptedNames()
    {
        using var dir = new TemporaryFolder();
        string path = WriteSd15With(dir, "down_block_types", new JsonArray("CrossAttnDownBlock2D", "AttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"));

        var e = Assert.Throws<InvalidDataException>(() => ConfigJson.Read<UNet2DConditionModelConfig>(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("down_block_types", e.Message);
        Assert.Contains("\"AttnDownBlock2D\"", e.Message);
        Assert.Contains("CrossAttnDownBlock2D, DownBlock2D", e.Message);
    }

    [Fact]
    public void Read_NestedTransformerLayers_NamesFileAndKey()
    {
        using var dir = new TemporaryFolder();
        string path = WriteSd15With(dir, "transformer_layers_per_block", JsonNode.Parse("[[1, 2], [1, 2], [1, 2], [1, 2]]"));

        var e = Assert.Throws<InvalidDataException>(() => ConfigJson.Read<UNet2DConditionModelConfig>(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("transformer_layers_per_block", e.Message);
    }

    [Fact]
    public void Read_MalformedJson_NamesTheFile()
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "config.json");
        File.WriteAllText(path, "{ \"in_channels\": 4, ");

        var e = Assert.Throws<InvalidDataException>(() => ConfigJson.Read<UNet2DConditionModelConfig>(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Constructor_InvalidConfig_ThrowsBeforeBuildingAnything()
    {
        var config = Parse(new() { ["resnet_time_scale_shift"] = "scale_shift" });

        var e = Assert.Throws<ArgumentException>(() => new UNet2DConditionModel(config));

        Assert.Contains("resnet_time_scale_shift = \"scale_shift\" is not supported; expected \"default\"", e.Message);
    }

    /// <summary>The published SD1.5 config with some keys replaced, parsed.</summary>
    private static UNet2DConditionModelConfig Parse(Dictionary<string, JsonNode?> changes)
    {
        var json = JsonNode.Parse(File.ReadAllText(Sd15ConfigPath))!.AsObject();
        foreach (var (key, value) in changes)
        {
            json[key] = value;
        }

        return ConfigJson.Parse<UNet2DConditionModelConfig>(json.ToJsonString(), "test config");
    }

    private static string WriteSd15With(TemporaryFolder dir, string key, JsonNode? value)
    {
        var json = JsonNode.Parse(File.ReadAllText(Sd15ConfigPath))!.AsObject();
        json[key] = value;
        string path = Path.Combine(dir.Path, "config.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }
}
