using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>What <see cref="ConceptScorer.Sample"/>
/// reports after each denoising step: which batch is being drawn and how far it is.</summary>
/// <param name="Validation">False while the training prompts' samples are drawn, true for the validation prompts'.</param>
/// <param name="Denoising">The denoising step of that batch.</param>
public readonly record struct ConceptSamplingProgress(bool Validation, GenerationProgress Denoising);
