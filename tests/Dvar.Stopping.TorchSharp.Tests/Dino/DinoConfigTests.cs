using Dvar.Stopping.TorchSharp.Dino;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Dino;

public class DinoConfigTests
{
    [Fact]
    public void Read_Vits16Config_HasViTSmallValues()
    {
        var config = ConfigJson.Read<DinoConfig>(FixturePaths.Get("dino-vits16-structure", "config.json"));

        Assert.Equal((384, 12, 6, 1536, 224, 16, 3), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize, config.ImageSize, config.PatchSize, config.NumChannels));
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.True(config.QkvBias);
        Assert.Equal(197, config.SequenceLength);
        config.Validate();
    }

    [Fact]
    public void Validate_InvalidValues_NamesEveryKey()
    {
        var config = new DinoConfig { HiddenSize = 30, NumAttentionHeads = 4, ImageSize = 30, PatchSize = 8, HiddenAct = "gelu_new", LayerNormEps = 0, HiddenDropoutProb = 0.1 };

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains("hidden_size (30) must be divisible by num_attention_heads (4)", e.Message, StringComparison.Ordinal);
        Assert.Contains("image_size (30) must be a multiple of patch_size (8)", e.Message, StringComparison.Ordinal);
        Assert.Contains("hidden_act \"gelu_new\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("layer_norm_eps", e.Message, StringComparison.Ordinal);
        Assert.Contains("hidden_dropout_prob", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessorConfig_Vits16File_EqualsDinoVits16Settings()
    {
        var config = ConfigJson.Read<DinoProcessorConfig>(FixturePaths.Get("dino-vits16-structure", "preprocessor_config.json"));
        var expected = DinoProcessorConfig.DinoVits16;

        Assert.Equal(expected.Size, config.Size);
        Assert.Equal(expected.Resample, config.Resample);
        Assert.Equal(expected.ImageMean, config.ImageMean);
        Assert.Equal(expected.ImageStd, config.ImageStd);
        config.Validate();
    }

    [Fact]
    public void ProcessorConfig_SizeObject_ReadsSquareAndRejectsRectangle()
    {
        var square = ConfigJson.Parse<DinoProcessorConfig>("""{"size": {"height": 32, "width": 32}}""", "test");
        Assert.Equal(32, square.Size);

        var e = Assert.Throws<InvalidDataException>(() => ConfigJson.Parse<DinoProcessorConfig>("""{"size": {"height": 32, "width": 48}}""", "test"));
        Assert.Contains("not square", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessorConfig_Unsupported_NamesKeys()
    {
        var config = new DinoProcessorConfig { Resample = 3, DoNormalize = false, ImageStd = [0.2, 0, 0.2] };

        var e = Assert.Throws<ArgumentException>(config.Validate);

        Assert.Contains("resample = 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("do_normalize", e.Message, StringComparison.Ordinal);
        Assert.Contains("image_std", e.Message, StringComparison.Ordinal);
    }
}
