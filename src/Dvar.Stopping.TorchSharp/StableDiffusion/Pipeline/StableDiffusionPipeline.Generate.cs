using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

/// <content>Text-to-image generation: prompt encoding, seeded initial latents, DDIM or PNDM denoising, VAE decoding.</content>
public sealed partial class StableDiffusionPipeline
{
    /// <summary>
    /// Generates images for a prompt as diffusers' <c>StableDiffusionPipeline</c> does with a <c>PNDMScheduler</c> (PLMS) or a
    /// <c>DDIMScheduler</c> (η = 0), per <see cref="GenerationOptions.Sampler"/> (default: the one the folder names, see
    /// <see cref="ResolveSampler"/>): initial latents drawn on the CPU (in <see cref="Dtype"/>) from a generator seeded with
    /// <see cref="GenerationOptions.Seed"/>, <see cref="GenerationOptions.Steps"/> sampler steps with classifier-free guidance,
    /// then the VAE decode of <c>latents / scaling_factor</c>.
    /// </summary>
    /// <param name="prompt">The prompt; may be empty (the unconditional prompt). Text past the tokenizer's 77 tokens is cut off.</param>
    /// <param name="options">Steps, guidance, seed, size and count; null for the defaults.</param>
    /// <param name="progress">Receives one report after each denoising step, in order; null for none.</param>
    /// <param name="cancellationToken">Checked before each denoising step.</param>
    /// <returns><see cref="GenerationOptions.NumImages"/> images.</returns>
    /// <remarks>Runs under <c>no_grad</c> in <see cref="Dtype"/> on <see cref="Device"/>, and leaves the models' training/evaluation
    /// mode as it finds it. Each call builds its own scheduler, so calls share no mutable state; the models themselves are not
    /// guarded against concurrent use.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="prompt"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the size is not a multiple of
    /// <c>VaeScaleFactor · Unet.DownsamplingFactor</c>; the message names the option.</exception>
    /// <exception cref="NotSupportedException">The sampler is the folder's and the folder names a scheduler this library does not
    /// sample with (see <see cref="ResolveSampler"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyList<GeneratedImage> Generate(
        string prompt,
        GenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        options ??= new GenerationOptions();
        var (width, height) = options.Validate(DefaultImageSize, VaeScaleFactor * Unet.DownsamplingFactor, Scheduler.NumTrainTimesteps);
        var sampler = ResolveSampler(options.Sampler);
        cancellationToken.ThrowIfCancellationRequested();

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var promptEmbeddings = EncodeForGuidance(prompt, options);
        var latents = InitialLatents(options.NumImages, height / VaeScaleFactor, width / VaeScaleFactor, options.Seed);
        var denoised = DenoiseLatents(latents, promptEmbeddings, options.Steps, options.GuidanceScale, sampler, progress, cancellationToken);
        var images = DecodeLatents(denoised);
        return GeneratedImage.FromBatch(images);
    }

    /// <summary>Generates one image per prompt in a single batch and returns them as a tensor, for scoring: the same sampling
    /// with classifier-free guidance as <see cref="Generate"/>, but several prompts at once.</summary>
    /// <param name="prompts">One or more prompts; image i is drawn for prompt i.</param>
    /// <param name="options">Steps, guidance, seed and size; <see cref="GenerationOptions.NumImages"/> is ignored (one image per
    /// prompt). Null for the defaults.</param>
    /// <param name="progress">Told after each denoising step; null for none.</param>
    /// <param name="cancellationToken">Checked before each denoising step.</param>
    /// <returns>[prompts.Count, 3, height, width] in [0, 1] in the VAE's dtype on <see cref="Device"/>; the caller owns it.</returns>
    /// <remarks>The initial latents <c>[n, c, h, w]</c> are one draw from a CPU generator seeded with <see cref="GenerationOptions.Seed"/>,
    /// so a prompt list and a seed give the same images on every call and device. Runs under <c>no_grad</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="prompts"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="prompts"/> is empty, or an option is out of range (the message names it).</exception>
    /// <exception cref="NotSupportedException">The sampler is the folder's and the folder names a scheduler this library does not
    /// sample with (see <see cref="ResolveSampler"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Tensor GenerateBatch(
        IReadOnlyList<string> prompts,
        GenerationOptions? options = null,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        }

        options ??= new GenerationOptions();
        var (width, height) = options.Validate(DefaultImageSize, VaeScaleFactor * Unet.DownsamplingFactor, Scheduler.NumTrainTimesteps);
        var sampler = ResolveSampler(options.Sampler);
        cancellationToken.ThrowIfCancellationRequested();

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var texts = options.UsesGuidance ? [.. Enumerable.Repeat(options.NegativePrompt, prompts.Count), .. prompts] : prompts;
        var promptEmbeddings = EncodePrompts(texts);
        var latents = InitialLatents(prompts.Count, height / VaeScaleFactor, width / VaeScaleFactor, options.Seed);
        var denoised = DenoiseLatents(latents, promptEmbeddings, options.Steps, options.GuidanceScale, sampler, progress, cancellationToken);
        return DecodeLatents(denoised).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes prompts to the UNet's conditioning (the text encoder's last hidden state), with gradients if enabled.</summary>
    /// <param name="prompts">One or more prompts; each is padded or cut to the tokenizer's <see cref="ClipTokenizer.ModelMaxLength"/> tokens.</param>
    /// <returns>[prompts.Count, 77, hidden] in <see cref="Dtype"/> (converted from the text encoder's dtype if that differs) on
    /// <see cref="Device"/>; the caller owns it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="prompts"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="prompts"/> is empty.</exception>
    public Tensor EncodePrompts(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0)
        {
            throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        }

        using var scope = NewDisposeScope();
        var ids = Tokenizer.EncodeToTensor(prompts, Device);
        return TextEncoder.call(ids).to_type(Dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The conditioning of one call: <c>[negative × n, prompt × n]</c> with guidance, else <c>[prompt × n]</c>.</summary>
    private Tensor EncodeForGuidance(string prompt, GenerationOptions options)
    {
        using var scope = NewDisposeScope();
        int n = options.NumImages;
        var texts = options.UsesGuidance ? new[] { options.NegativePrompt, prompt } : [prompt];
        var encoded = EncodePrompts(texts);
        return encoded.repeat_interleave(n, dim: 0).MoveToOuterDisposeScope();
    }

    /// <summary>Standard normal latents <c>[n, latent_channels, h, w]</c> drawn on the CPU in the pipeline's dtype by a seeded generator,
    /// then moved to its device (diffusers' <c>randn_tensor</c> with a CPU generator).</summary>
    private Tensor InitialLatents(int n, int latentHeight, int latentWidth, long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed), CPU);
        using var scope = NewDisposeScope();
        var drawn = randn([n, Unet.Config.InChannels, latentHeight, latentWidth], Dtype, CPU, generator: generator);

        // DDIM's and PNDM's init_noise_sigma is 1, so the draw is used unscaled.
        return drawn.to(Device).MoveToOuterDisposeScope();
    }
}
