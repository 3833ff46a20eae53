using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Demo.Metric;

/// <summary>How the demo samples to measure quality: the periodic scoring during training (the quality curve, CLIP-s) and
/// the final measurement of each run's kept parameters, with more samples and another seed. Public so that a benchmark can
/// measure the demo's runs again the same way.</summary>
public static class DemoQualityOptions
{
    /// <summary>The sampler of every demo sample: DDIM (η = 0), named here so the demo's measurements (README) do not depend on
    /// the scorer's or the toy folder's default.</summary>
    public const SamplerKind Sampler = SamplerKind.Ddim;

    /// <summary>The DDIM steps of every demo sample.</summary>
    public const int Steps = 10;

    /// <summary>The guidance scale of every demo sample.</summary>
    public const double Guidance = 4;

    /// <summary>Gets the periodic scoring during training: 8 training-prompt samples and 2 per validation prompt, seed 37 (the
    /// authors' CLIP-s setting, at the toy's sampler settings).</summary>
    public static ConceptScorerOptions Periodic { get; } = new()
    {
        TrainSamples = 8,
        ValidationTemplates = [.. ToyWorld.ValidationPrompts.Select(p => p.Template)],
        SamplesPerValidationPrompt = 2,
        Steps = Steps,
        Sampler = Sampler,
        GuidanceScale = Guidance,
        Seed = 37,
    };

    /// <summary>Gets the final measurement: 64 training-prompt samples and 3 per validation prompt from another seed, so the
    /// table does not reuse the noise that CLIP-s selected its best step on.</summary>
    public static ConceptScorerOptions Final { get; } = Periodic with { TrainSamples = 64, SamplesPerValidationPrompt = 3, Seed = 20_231_017 };
}
