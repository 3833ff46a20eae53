using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>
/// A pipeline with SD v1.5's full-size UNet and text encoder built from tests/fixtures/sd15-structure (untrained parameters,
/// about 3.9 GB of float32), the tiny VAE and SD v1.5's scheduler: for counting what the methods train at full size.
/// </summary>
internal static class Sd15ShapedPipeline
{
    public static StableDiffusionPipeline Create()
    {
        var unet = new UNet2DConditionModel(ConfigJson.Read<UNet2DConditionModelConfig>(FixturePaths.Get("sd15-structure", "unet", "config.json")));
        var textEncoder = new ClipTextModel(ConfigJson.Read<ClipTextConfig>(FixturePaths.Get("sd15-structure", "text_encoder", "config.json")));
        var vae = AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"));
        var scheduler = DdpmScheduler.FromPretrained(FixturePaths.Get("sd15-structure", "scheduler"));
        return new StableDiffusionPipeline(ClipTokenizer.CreateDefault(), textEncoder, vae, unet, scheduler);
    }
}
