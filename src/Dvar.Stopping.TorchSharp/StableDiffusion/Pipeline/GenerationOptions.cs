using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

/// <summary>How <see cref="StableDiffusionPipeline.Generate"/> samples: sampler and steps, classifier-free guidance, seed, size and count.</summary>
/// <remarks>Validated once, when <see cref="StableDiffusionPipeline.Generate"/> starts (the size and step limits depend on the pipeline).</remarks>
public sealed record GenerationOptions
{
    /// <summary>Gets the negative prompt: the unconditional branch of classifier-free guidance.</summary>
    /// <value>Any text, not null. Default empty (diffusers' unconditional prompt).</value>
    public string NegativePrompt { get; init; } = string.Empty;

    /// <summary>Gets the number of denoising steps N (diffusers' <c>num_inference_steps</c>).</summary>
    /// <value>1 to the scheduler's <c>num_train_timesteps</c> (1000 for SD v1.5; with SD v1.5's <c>steps_offset</c> of 1 the
    /// schedule accepts at most 999). Default 50. DDIM evaluates the UNet N times; PNDM N + 1 times for N ≥ 2 (its second
    /// timestep is visited twice), and reports N + 1 progress steps.</value>
    public int Steps { get; init; } = 50;

    /// <summary>Gets the sampler.</summary>
    /// <value>Default <see cref="SamplerKind.FolderDefault"/>: the scheduler the model folder names (PNDM for SD v1.5).
    /// <see cref="SamplerKind.Ddim"/> keeps DDIM (η = 0) available for any folder.</value>
    public SamplerKind Sampler { get; init; } = SamplerKind.FolderDefault;

    /// <summary>Gets the classifier-free guidance scale g: the prediction is <c>ε_uncond + g · (ε_text − ε_uncond)</c>.</summary>
    /// <value>A finite number ≥ 0. Default 7.5. Values ≤ 1 run the conditional branch only (as diffusers does), so the negative
    /// prompt is then ignored.</value>
    public double GuidanceScale { get; init; } = 7.5;

    /// <summary>Gets the seed of the CPU <c>torch.Generator</c> that draws the initial latents.</summary>
    /// <value>Any value. Default 0. The same seed, size and count give the same initial latents on every device.</value>
    public long Seed { get; init; }

    /// <summary>Gets the image width in pixels.</summary>
    /// <value>A positive multiple of <c>VaeScaleFactor · Unet.DownsamplingFactor</c> (64 for SD v1.5); null (default) for
    /// <see cref="StableDiffusionPipeline.DefaultImageSize"/>.</value>
    public int? Width { get; init; }

    /// <summary>Gets the image height in pixels.</summary>
    /// <value>As <see cref="Width"/>; null (default) for <see cref="StableDiffusionPipeline.DefaultImageSize"/>.</value>
    public int? Height { get; init; }

    /// <summary>Gets how many images to generate for the prompt, in one batch.</summary>
    /// <value>At least 1. Default 1.</value>
    public int NumImages { get; init; } = 1;

    /// <summary>Gets whether classifier-free guidance runs, i.e. <see cref="GuidanceScale"/> &gt; 1.</summary>
    internal bool UsesGuidance => GuidanceScale > 1;

    /// <summary>Checks every option against the pipeline's limits and resolves the image size.</summary>
    /// <param name="defaultSize">The pipeline's default image size.</param>
    /// <param name="sizeMultiple">What width and height must be multiples of.</param>
    /// <param name="maxSteps">The scheduler's number of training timesteps.</param>
    /// <returns>The width and height to generate.</returns>
    /// <exception cref="ArgumentException">An option is out of range or not a multiple of <paramref name="sizeMultiple"/>; the message names it.</exception>
    internal (int Width, int Height) Validate(int defaultSize, int sizeMultiple, int maxSteps)
    {
        if (NegativePrompt is null)
        {
            throw new ArgumentNullException(nameof(NegativePrompt), $"{nameof(NegativePrompt)} must not be null; use an empty string for none.");
        }

        if (Steps < 1 || Steps > maxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"{nameof(Steps)} must be in [1, {maxSteps}] (the scheduler's num_train_timesteps); got {Steps}.");
        }

        if (!Enum.IsDefined(Sampler))
        {
            throw new ArgumentOutOfRangeException(nameof(Sampler), Sampler, $"{nameof(Sampler)} must be one of {string.Join(", ", Enum.GetNames<SamplerKind>())}; got {Sampler}.");
        }

        Guard.NonNegativeFinite(GuidanceScale, nameof(GuidanceScale));
        Guard.AtLeast(NumImages, 1, nameof(NumImages));
        int width = Width ?? defaultSize;
        int height = Height ?? defaultSize;
        CheckSize(width, nameof(Width), sizeMultiple);
        CheckSize(height, nameof(Height), sizeMultiple);
        return (width, height);
    }

    private static void CheckSize(int size, string name, int multiple)
    {
        if (size < multiple || size % multiple != 0)
        {
            throw new ArgumentException(
                $"{name} must be a positive multiple of {multiple} (the VAE scale factor times the UNet's downsampling factor); got {size}.", name);
        }
    }
}
