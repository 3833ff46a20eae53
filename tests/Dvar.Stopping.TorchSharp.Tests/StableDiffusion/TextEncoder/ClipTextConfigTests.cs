using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.TextEncoder;

public class ClipTextConfigTests
{
    [Fact]
    public void Read_EmptyObject_HasTransformersDefaults()
    {
        // transformers CLIPTextConfig defaults.
        var config = ConfigJson.Parse<ClipTextConfig>("{}", "test");

        Assert.Equal(49408, config.VocabSize);
        Assert.Equal(512, config.HiddenSize);
        Assert.Equal(2048, config.IntermediateSize);
        Assert.Equal(12, config.NumHiddenLayers);
        Assert.Equal(8, config.NumAttentionHeads);
        Assert.Equal(77, config.MaxPositionEmbeddings);
        Assert.Equal(ClipActivation.QuickGelu, config.HiddenAct);
        Assert.Equal(1e-5, config.LayerNormEps);
        Assert.Equal(1, config.PadTokenId);
        Assert.Equal(49406, config.BosTokenId);
        Assert.Equal(49407, config.EosTokenId);
        Assert.False(config.UsesLegacyArgmaxPooling);
    }

    [Fact]
    public void Read_Sd15Config_HasSd15ValuesAndLegacyPooling()
    {
        var config = ConfigJson.Read<ClipTextConfig>(FixturePaths.Get("sd15-structure", "text_encoder", "config.json"));

        Assert.Equal(new ClipTextConfig
        {
            VocabSize = 49408,
            HiddenSize = 768,
            IntermediateSize = 3072,
            NumHiddenLayers = 12,
            NumAttentionHeads = 12,
            MaxPositionEmbeddings = 77,
            HiddenAct = ClipActivation.QuickGelu,
            LayerNormEps = 1e-5,
            PadTokenId = 1,
            BosTokenId = 0,
            EosTokenId = 2,
        }, config);
        Assert.True(config.UsesLegacyArgmaxPooling);
        config.Validate();
    }

    [Theory]
    [InlineData("\"gelu\"", ClipActivation.Gelu)]
    [InlineData("\"quick_gelu\"", ClipActivation.QuickGelu)]
    public void Read_KnownHiddenAct_ParsesToEnum(string value, ClipActivation expected)
    {
        var config = ConfigJson.Parse<ClipTextConfig>($$"""{"hidden_act": {{value}}}""", "test");

        Assert.Equal(expected, config.HiddenAct);
    }

    [Theory]
    [InlineData("\"gelu_new\"")]
    [InlineData("\"relu\"")]
    [InlineData("3")]
    public void Read_UnknownHiddenAct_ThrowsNamingTheKey(string value)
    {
        var e = Assert.Throws<InvalidDataException>(() => ConfigJson.Parse<ClipTextConfig>($$"""{"hidden_act": {{value}}}""", "cfg.json"));

        Assert.Contains("hidden_act", e.Message, StringComparison.Ordinal);
        Assert.Contains("cfg.json", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<ClipTextConfig, string> InvalidConfigs => new()
    {
        { new ClipTextConfig { VocabSize = 0 }, "vocab_size must be at least 1; got 0" },
        { new ClipTextConfig { HiddenSize = 30, NumAttentionHeads = 4 }, "hidden_size (30) must be divisible by num_attention_heads (4)" },
        { new ClipTextConfig { IntermediateSize = -1 }, "intermediate_size must be at least 1" },
        { new ClipTextConfig { NumHiddenLayers = 0 }, "num_hidden_layers must be at least 1" },
        { new ClipTextConfig { NumAttentionHeads = 0 }, "num_attention_heads must be at least 1" },
        { new ClipTextConfig { MaxPositionEmbeddings = 0 }, "max_position_embeddings must be at least 1" },
        { new ClipTextConfig { LayerNormEps = double.NaN }, "layer_norm_eps must be finite and positive; got NaN" },
        { new ClipTextConfig { LayerNormEps = 0 }, "layer_norm_eps must be finite and positive" },
        { new ClipTextConfig { Dropout = 0.1 }, "dropout = 0.1 is not supported" },
        { new ClipTextConfig { AttentionDropout = 0.1 }, "attention_dropout = 0.1 is not supported" },
        { new ClipTextConfig { EosTokenId = -1 }, "eos_token_id must be non-negative" },
        { new ClipTextConfig { HiddenAct = (ClipActivation)7 }, "hidden_act (7) is not supported" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Validate_InvalidValue_ThrowsNamingKeyAndValue(ClipTextConfig config, string expected)
    {
        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralInvalidValues_ListsEveryProblem()
    {
        var e = Assert.Throws<ArgumentException>(new ClipTextConfig { VocabSize = 0, Dropout = 0.5 }.Validate);

        Assert.Contains("vocab_size", e.Message, StringComparison.Ordinal);
        Assert.Contains("dropout", e.Message, StringComparison.Ordinal);
    }
}
