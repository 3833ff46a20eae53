using System.Text.Json;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>Builds the pipeline a benchmark times: the sd-tiny fixture, a real diffusers folder, or SD1.5's full-size
/// structure (tests/fixtures/sd15-structure configs) with random weights, which time exactly as trained ones do.</summary>
internal static class PipelineFactory
{
    private static readonly JsonSerializerOptions ConfigOptions = new() { AllowTrailingCommas = true, RespectNullableAnnotations = true };

    public static StableDiffusionPipeline Create(BenchmarkOptions options, Device device, ScalarType dtype)
    {
        if (options.Model is { } folder)
        {
            return StableDiffusionPipeline.FromPretrained(folder, device, dtype);
        }

        if (!options.IsFull)
        {
            return StableDiffusionPipeline.FromPretrained(Path.Combine(options.Fixtures, "sd-tiny"), device, dtype);
        }

        string structure = Path.Combine(options.Fixtures, "sd15-structure");
        var unet = new UNet2DConditionModel(Config<UNet2DConditionModelConfig>(structure, "unet"));
        var textEncoder = new ClipTextModel(Config<ClipTextConfig>(structure, "text_encoder"));
        var vae = new AutoencoderKL(Config<AutoencoderKLConfig>(structure, "vae"));
        foreach (var model in new nn.Module[] { unet, textEncoder, vae })
        {
            model.to(device, dtype);
        }

        var scheduler = DdpmScheduler.FromPretrained(Path.Combine(structure, "scheduler"));
        return new StableDiffusionPipeline(ClipTokenizer.CreateDefault(), textEncoder, vae, unet, scheduler);
    }

    private static T Config<T>(string structure, string component) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(structure, component, "config.json")), ConfigOptions)
        ?? throw new InvalidDataException($"{structure}/{component}/config.json is null.");
}
