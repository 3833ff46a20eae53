using System.Text.Json;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

/// <summary>A Stable Diffusion v1.x pipeline: tokenizer, text encoder, VAE, UNet and noise scheduler, loaded from a diffusers folder.</summary>
/// <remarks>
/// The pipeline owns its modules and disposes them. All three models live on <see cref="Device"/> in <see cref="Dtype"/>;
/// the scheduler's tables stay in float32 on the CPU and are moved on use.
/// </remarks>
public sealed partial class StableDiffusionPipeline : IDisposable
{
    /// <summary>Creates a pipeline from loaded components (it takes ownership of the models and the scheduler).</summary>
    /// <param name="tokenizer">The CLIP tokenizer.</param>
    /// <param name="textEncoder">The CLIP text encoder.</param>
    /// <param name="vae">The autoencoder.</param>
    /// <param name="unet">The denoiser.</param>
    /// <param name="scheduler">The training noise schedule (any diffusers scheduler config gives the same tables).</param>
    /// <exception cref="ArgumentNullException">A component is null.</exception>
    /// <exception cref="ArgumentException">The components do not fit together (the message names both values).</exception>
    public StableDiffusionPipeline(
        ClipTokenizer tokenizer,
        ClipTextModel textEncoder,
        AutoencoderKL vae,
        UNet2DConditionModel unet,
        DdpmScheduler scheduler)
    {
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        TextEncoder = textEncoder ?? throw new ArgumentNullException(nameof(textEncoder));
        Vae = vae ?? throw new ArgumentNullException(nameof(vae));
        Unet = unet ?? throw new ArgumentNullException(nameof(unet));
        Scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        CheckCompatibility();
        var weight = unet.parameters().First();
        Device = weight.device;
        Dtype = weight.dtype;
    }

    /// <summary>The tokenizer (placeholder tokens added by personalization methods live here).</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>The text encoder.</summary>
    public ClipTextModel TextEncoder { get; }

    /// <summary>The autoencoder.</summary>
    public AutoencoderKL Vae { get; }

    /// <summary>The denoiser.</summary>
    public UNet2DConditionModel Unet { get; }

    /// <summary>The training noise schedule.</summary>
    public DdpmScheduler Scheduler { get; }

    /// <summary>The device of the models.</summary>
    public Device Device { get; }

    /// <summary>The floating-point type of the models' weights.</summary>
    public ScalarType Dtype { get; }

    /// <summary>Gets the sampler the folder's <c>scheduler_config.json</c> names in <c>_class_name</c>
    /// (<see cref="DdpmSchedulerConfig.ClassName"/>), which <see cref="SamplerKind.FolderDefault"/> samples with.</summary>
    /// <value><see cref="SamplerKind.Pndm"/> for <c>PNDMScheduler</c> (SD v1.5); <see cref="SamplerKind.Ddim"/> for
    /// <c>DDIMScheduler</c> or no class name; null for any other class (e.g. <c>DDPMScheduler</c>, the training scheduler, or
    /// <c>EulerDiscreteScheduler</c>), which this library does not sample with.</value>
    public SamplerKind? FolderSampler => Scheduler.Config.ClassName switch
    {
        "PNDMScheduler" => SamplerKind.Pndm,
        "DDIMScheduler" or null => SamplerKind.Ddim,
        _ => null,
    };

    /// <summary>The spatial factor between images and latents (8 for SD v1.5).</summary>
    public int VaeScaleFactor => Vae.Config.SpatialFactor;

    /// <summary>The image size the UNet was trained at: <c>unet.sample_size · VaeScaleFactor</c> (512 for SD v1.5; 512 when the config has no sample size).</summary>
    public int DefaultImageSize => Unet.Config.SampleSize is { Count: > 0 } size ? size[0] * VaeScaleFactor : 512;

    /// <summary>
    /// Loads a diffusers Stable Diffusion folder: <c>model_index.json</c>, <c>tokenizer/</c>, <c>text_encoder/</c>, <c>vae/</c>,
    /// <c>unet/</c> and <c>scheduler/</c>, each model with strict key and shape checks.
    /// </summary>
    /// <param name="folder">The pipeline folder (e.g. a local copy of <c>stable-diffusion-v1-5</c>).</param>
    /// <param name="device">Where to put the models; null for the CPU.</param>
    /// <param name="dtype">The models' dtype (float32, float16 or bfloat16); stored weights of any floating dtype are converted.</param>
    /// <param name="variant">The weights variant (e.g. <c>fp16</c>); a model without a file of that variant fails, naming the files it has.</param>
    /// <returns>The pipeline; the caller disposes it.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A required file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, a component has an unsupported class, or the weights do not match.</exception>
    public static StableDiffusionPipeline FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32, string? variant = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Stable Diffusion folder not found: {folder}");
        }

        CheckModelIndex(folder);
        var tokenizer = ClipTokenizer.FromPretrained(Path.Combine(folder, "tokenizer"));
        var disposables = new List<IDisposable>();
        try
        {
            var textEncoder = ClipTextModel.FromPretrained(Path.Combine(folder, "text_encoder"), device, dtype, variant);
            disposables.Add(textEncoder);
            var vae = AutoencoderKL.FromPretrained(Path.Combine(folder, "vae"), device, dtype, variant);
            disposables.Add(vae);
            var unet = UNet2DConditionModel.FromPretrained(Path.Combine(folder, "unet"), device, dtype, variant);
            disposables.Add(unet);
            var scheduler = DdpmScheduler.FromPretrained(Path.Combine(folder, "scheduler"));
            disposables.Add(scheduler);
            return new StableDiffusionPipeline(tokenizer, textEncoder, vae, unet, scheduler);
        }
        catch (ArgumentException e)
        {
            foreach (var d in disposables)
            {
                d.Dispose();
            }

            throw new InvalidDataException($"{folder}: {e.Message}", e);
        }
        catch
        {
            foreach (var d in disposables)
            {
                d.Dispose();
            }

            throw;
        }
    }

    /// <summary>The sampler a request runs with: <see cref="SamplerKind.Ddim"/> or <see cref="SamplerKind.Pndm"/> as asked, and
    /// for <see cref="SamplerKind.FolderDefault"/> the <see cref="FolderSampler"/>.</summary>
    /// <param name="requested">The requested sampler.</param>
    /// <returns><see cref="SamplerKind.Ddim"/> or <see cref="SamplerKind.Pndm"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is not a <see cref="SamplerKind"/> member.</exception>
    /// <exception cref="NotSupportedException"><paramref name="requested"/> is <see cref="SamplerKind.FolderDefault"/> and the
    /// folder names a scheduler class this library does not sample with; the message names it and the choices.</exception>
    public SamplerKind ResolveSampler(SamplerKind requested) => requested switch
    {
        SamplerKind.Ddim or SamplerKind.Pndm => requested,
        SamplerKind.FolderDefault => FolderSampler ?? throw new NotSupportedException(
            $"The model's scheduler/scheduler_config.json names {Scheduler.Config.ClassName}, which this library does not sample with (it samples with PNDMScheduler and DDIMScheduler). Ask for a sampler explicitly: {nameof(GenerationOptions)}.{nameof(GenerationOptions.Sampler)} = {nameof(SamplerKind)}.{nameof(SamplerKind.Ddim)} or {nameof(SamplerKind)}.{nameof(SamplerKind.Pndm)} (dvar generate: --scheduler ddim|pndm)."),
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, $"Unknown {nameof(SamplerKind)}."),
    };

    /// <summary>Disposes the models and the scheduler.</summary>
    public void Dispose()
    {
        Unet.Dispose();
        Vae.Dispose();
        TextEncoder.Dispose();
        Scheduler.Dispose();
    }

    private static void CheckModelIndex(string folder)
    {
        string path = Path.Combine(folder, "model_index.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{folder} is not a diffusers pipeline folder: model_index.json is missing.", path);
        }

        var expected = new Dictionary<string, string>
        {
            ["unet"] = "UNet2DConditionModel",
            ["vae"] = "AutoencoderKL",
            ["text_encoder"] = "CLIPTextModel",
            ["tokenizer"] = "CLIPTokenizer",
        };
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            foreach (var (component, className) in expected)
            {
                if (!document.RootElement.TryGetProperty(component, out var entry) || entry.ValueKind != JsonValueKind.Array
                    || entry.GetArrayLength() != 2 || entry[1].ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"{path}: no [library, class] entry for '{component}'.");
                }

                string actual = entry[1].GetString()!;
                if (actual != className)
                {
                    throw new InvalidDataException($"{path}: '{component}' is a {actual}; this pipeline supports {className}.");
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private void CheckCompatibility()
    {
        var unet = Unet.Config;
        var problems = new List<string>();
        if (unet.CrossAttentionDim.Distinct().Single() != TextEncoder.Config.HiddenSize)
        {
            problems.Add($"unet.cross_attention_dim {unet.CrossAttentionDim[0]} != text_encoder.hidden_size {TextEncoder.Config.HiddenSize}");
        }

        if (unet.InChannels != Vae.Config.LatentChannels || unet.OutChannels != Vae.Config.LatentChannels)
        {
            problems.Add($"unet.in_channels {unet.InChannels} / out_channels {unet.OutChannels} != vae.latent_channels {Vae.Config.LatentChannels}");
        }

        if (TextEncoder.Config.MaxPositionEmbeddings < Tokenizer.ModelMaxLength)
        {
            problems.Add($"text_encoder.max_position_embeddings {TextEncoder.Config.MaxPositionEmbeddings} < tokenizer.model_max_length {Tokenizer.ModelMaxLength}");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The pipeline components do not fit together: " + string.Join("; ", problems) + ".");
        }
    }
}
