using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>What a <see cref="ConceptScorer"/> samples: how many images from which prompts, and the sampler's settings.</summary>
/// <remarks>The defaults follow the paper's authors: 8 samples from the training prompts, 2 per validation prompt, a fixed
/// sampling seed of 37, 50 denoising steps of the model folder's scheduler with guidance 7.5 (their Textual Inversion
/// setting; 6 for DreamBooth-LoRA and Custom Diffusion, which <c>dvar evaluate</c> and <c>dvar train --clip</c> apply).</remarks>
public sealed record ConceptScorerOptions
{
    /// <summary>The number of samples from the training prompts (prompt i uses template i mod the template count).</summary>
    /// <value>At least 1. Default 8.</value>
    public int TrainSamples { get; init; } = 8;

    /// <summary>The validation prompts: the concept in new contexts, <c>{}</c> where its placeholder goes.</summary>
    /// <value>Each must contain <c>{}</c>. Default none (no validation scores).</value>
    public IReadOnlyList<string> ValidationTemplates { get; init; } = [];

    /// <summary>The number of samples per validation prompt.</summary>
    /// <value>At least 1. Default 2.</value>
    public int SamplesPerValidationPrompt { get; init; } = 2;

    /// <summary>The number of denoising steps of <see cref="Sampler"/>.</summary>
    /// <value>At least 1. Default 50.</value>
    public int Steps { get; init; } = 50;

    /// <summary>The sampler.</summary>
    /// <value>Default <see cref="SamplerKind.FolderDefault"/>: the scheduler the model folder names, as the paper's authors
    /// sample (SD v1.5's folder names PNDM). <see cref="SamplerKind.Ddim"/> for DDIM (η = 0), which <c>dvar demo</c> uses.</value>
    public SamplerKind Sampler { get; init; } = SamplerKind.FolderDefault;

    /// <summary>The side of the square samples in pixels.</summary>
    /// <value>A multiple of the pipeline's size factor (64 for SD v1.5); null (default) for the model's own size, 512 for SD
    /// v1.5, as the authors sample.</value>
    public int? ImageSize { get; init; }

    /// <summary>The classifier-free guidance scale.</summary>
    /// <value>Finite, at least 0. Default 7.5.</value>
    public double GuidanceScale { get; init; } = 7.5;

    /// <summary>The seed of the initial latents; the same seed gives the same noise at every scoring, so scores differ only
    /// by the learned parameters.</summary>
    /// <value>Any value. Default 37.</value>
    public long Seed { get; init; } = 37;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the parameter name is the option's.</exception>
    /// <exception cref="ArgumentException">A validation template has no <c>{}</c>.</exception>
    internal void Validate()
    {
        Guard.AtLeast(TrainSamples, 1, nameof(TrainSamples));
        Guard.AtLeast(SamplesPerValidationPrompt, 1, nameof(SamplesPerValidationPrompt));
        Guard.AtLeast(Steps, 1, nameof(Steps));
        if (!Enum.IsDefined(Sampler))
        {
            throw new ArgumentOutOfRangeException(nameof(Sampler), Sampler, $"{nameof(Sampler)} must be a {nameof(SamplerKind)} member; got {Sampler}.");
        }

        Guard.NonNegativeFinite(GuidanceScale, nameof(GuidanceScale));
        ArgumentNullException.ThrowIfNull(ValidationTemplates, nameof(ValidationTemplates));
        foreach (var template in ValidationTemplates)
        {
            if (template is null || !template.Contains("{}", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Every validation template needs {{}} where the placeholder goes; got '{template}'.", nameof(ValidationTemplates));
            }
        }
    }
}
