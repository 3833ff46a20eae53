using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline;

public partial class StableDiffusionPipelineTests
{
    [Fact]
    public void FromPretrained_TinyFolder_LoadsEveryComponentWithFixtureWeights()
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var unet = UNet2DConditionModel.FromPretrained(Path.Combine(FixturePaths.SdTiny, "unet"));

        Assert.Equal(DeviceType.CPU, pipeline.Device.type);
        Assert.Equal(ScalarType.Float32, pipeline.Dtype);
        Assert.Equal(32, pipeline.DefaultImageSize); // README: default image size 32, latents 16x16
        Assert.Equal(2, pipeline.VaeScaleFactor);
        Assert.Equal(0.18215, pipeline.Vae.ScalingFactor, 12);
        Assert.Equal(1000, pipeline.Scheduler.NumTrainTimesteps);
        var loaded = pipeline.Unet.state_dict();
        foreach (var (key, expected) in unet.state_dict())
        {
            Assert.True(loaded[key].Equals(expected), key);
        }
    }

    [Fact]
    public void FromPretrained_AsBFloat16_ConvertsEveryModel()
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny, dtype: ScalarType.BFloat16);

        Assert.Equal(ScalarType.BFloat16, pipeline.Dtype);
        Assert.All(pipeline.TextEncoder.parameters().Concat(pipeline.Vae.parameters()), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
    }

    [Fact]
    public void FromPretrained_MissingModelIndex_ThrowsNamingTheFile()
    {
        using var dir = new TemporaryFolder();

        var e = Assert.Throws<FileNotFoundException>(() => StableDiffusionPipeline.FromPretrained(dir.Path));

        Assert.Contains("model_index.json", e.Message);
    }

    [Fact]
    public void FromPretrained_UnsupportedComponentClass_ThrowsNamingComponentAndClass()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllText(Path.Combine(dir.Path, "model_index.json"), """
            {"unet": ["diffusers", "UNet2DModel"], "vae": ["diffusers", "AutoencoderKL"],
             "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"]}
            """);

        var e = Assert.Throws<InvalidDataException>(() => StableDiffusionPipeline.FromPretrained(dir.Path));

        Assert.Contains("'unet' is a UNet2DModel", e.Message);
    }

    [Fact]
    public void FromPretrained_MissingFolder_ThrowsDirectoryNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), $"no-such-sd-{Guid.NewGuid():N}");

        Assert.Throws<DirectoryNotFoundException>(() => StableDiffusionPipeline.FromPretrained(path));
    }
}
