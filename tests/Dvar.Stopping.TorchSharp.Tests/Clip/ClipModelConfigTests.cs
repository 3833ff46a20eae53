using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Clip;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Clip;

public class ClipModelConfigTests
{
    public static TheoryData<string, string> PublishedConfigs => new()
    {
        { "openai/clip-vit-base-patch32", "openai-clip-vit-base-patch32" },
        { "openai/clip-vit-large-patch14", "openai-clip-vit-large-patch14" },
    };

    [Theory]
    [MemberData(nameof(PublishedConfigs))]
    public void Read_PublishedConfig_ResolvesAsTransformers(string model, string folder)
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(FixturePaths.ClipStructure, "keys.json")))![model]!;

        var config = ReadConfig(Path.Combine(FixturePaths.ClipStructure, folder, "config.json"));

        var text = expected["text_config_resolved"]!;
        Assert.Equal(text["vocab_size"]!.GetValue<int>(), config.TextConfig.VocabSize);
        Assert.Equal(text["hidden_size"]!.GetValue<int>(), config.TextConfig.HiddenSize);
        Assert.Equal(text["intermediate_size"]!.GetValue<int>(), config.TextConfig.IntermediateSize);
        Assert.Equal(text["num_hidden_layers"]!.GetValue<int>(), config.TextConfig.NumHiddenLayers);
        Assert.Equal(text["num_attention_heads"]!.GetValue<int>(), config.TextConfig.NumAttentionHeads);
        Assert.Equal(text["max_position_embeddings"]!.GetValue<int>(), config.TextConfig.MaxPositionEmbeddings);
        Assert.Equal(text["eos_token_id"]!.GetValue<int>(), config.TextConfig.EosTokenId);
        Assert.Equal(text["layer_norm_eps"]!.GetValue<double>(), config.TextConfig.LayerNormEps);
        Assert.Equal(ClipActivation.QuickGelu, config.TextConfig.HiddenAct);
        var vision = expected["vision_config_resolved"]!;
        Assert.Equal(vision["hidden_size"]!.GetValue<int>(), config.VisionConfig.HiddenSize);
        Assert.Equal(vision["intermediate_size"]!.GetValue<int>(), config.VisionConfig.IntermediateSize);
        Assert.Equal(vision["num_hidden_layers"]!.GetValue<int>(), config.VisionConfig.NumHiddenLayers);
        Assert.Equal(vision["num_attention_heads"]!.GetValue<int>(), config.VisionConfig.NumAttentionHeads);
        Assert.Equal(vision["num_channels"]!.GetValue<int>(), config.VisionConfig.NumChannels);
        Assert.Equal(vision["image_size"]!.GetValue<int>(), config.VisionConfig.ImageSize);
        Assert.Equal(vision["patch_size"]!.GetValue<int>(), config.VisionConfig.PatchSize);
        Assert.Equal(vision["projection_dim"]!.GetValue<int>(), config.VisionConfig.ProjectionDim);
        Assert.Equal(ClipActivation.QuickGelu, config.VisionConfig.HiddenAct);
        Assert.Equal(expected["projection_dim"]!.GetValue<int>(), config.ProjectionDim);
        Assert.Equal(expected["logit_scale_init_value"]!.GetValue<double>(), config.LogitScaleInitValue);
    }

    [Fact]
    public void Read_PublishedFiles_HaveTheSpaceBeforeColonQuirk()
    {
        // The quirk the reader must accept is really in the stored files.
        foreach (string folder in new[] { "openai-clip-vit-base-patch32", "openai-clip-vit-large-patch14" })
        {
            Assert.Contains("\"projection_dim\" :", File.ReadAllText(Path.Combine(FixturePaths.ClipStructure, folder, "config.json")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_TextConfigDict_ReplacesTextConfigWithDefaultsPlusDict()
    {
        const string json = """
            {
              "projection_dim": 64,
              "text_config": {"hidden_size": 32, "num_attention_heads": 4, "eos_token_id": 2, "max_position_embeddings": 10},
              "text_config_dict": {"hidden_size": 48, "num_attention_heads": 6},
              "vision_config": {"hidden_size": 16, "num_attention_heads": 2, "image_size": 8, "patch_size": 4, "projection_dim" : 5}
            }
            """;

        var config = ConfigJson.Parse<ClipModelConfig>(json, "test");

        Assert.Equal(48, config.TextConfig.HiddenSize);
        Assert.Equal(6, config.TextConfig.NumAttentionHeads);
        Assert.Equal(49407, config.TextConfig.EosTokenId);
        Assert.Equal(77, config.TextConfig.MaxPositionEmbeddings);
        Assert.Equal(16, config.VisionConfig.HiddenSize);
        Assert.Equal(5, config.VisionConfig.ProjectionDim);
        Assert.Equal(64, config.ProjectionDim);
        Assert.Equal(5, config.VisionConfig.NumPositions);
    }

    [Fact]
    public void Read_TinyFixture_MatchesCasesJson()
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(FixturePaths.ClipTiny, "cases.json")))!["config"]!;

        var config = ReadConfig(Path.Combine(FixturePaths.ClipTiny, "config.json"));

        Assert.Equal(expected["num_positions"]!.GetValue<int>(), config.VisionConfig.NumPositions);
        Assert.Equal(expected["projection_dim"]!.GetValue<int>(), config.ProjectionDim);
        Assert.Equal(expected["vision"]!["patch_size"]!.GetValue<int>(), config.VisionConfig.PatchSize);
        Assert.Equal(expected["text"]!["eos_token_id"]!.GetValue<int>(), config.TextConfig.EosTokenId);
    }

    [Fact]
    public void FromPretrained_InvalidVisionConfig_ThrowsNamingFileAndKey()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), """{"vision_config": {"hidden_size": 30, "num_attention_heads": 4}}""");

        var e = Assert.Throws<InvalidDataException>(() => ClipModel.FromPretrained(dir.Path));

        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("vision_config", e.Message, StringComparison.Ordinal);
        Assert.Contains("hidden_size (30)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_UnknownActivation_ThrowsNamingKey()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), """{"vision_config": {"hidden_act": "relu"}}""");

        var e = Assert.Throws<InvalidDataException>(() => ClipModel.FromPretrained(dir.Path));

        Assert.Contains("hidden_act", e.Message, StringComparison.Ordinal);
    }

    internal static ClipModelConfig ReadConfig(string path) => ConfigJson.Read<ClipModelConfig>(path);
}
