using Dvar.Stopping.Criteria;

namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>The training defaults of a personalization method, from the paper and the method's authors.</summary>
/// <param name="LearningRate">The AdamW learning rate (already scaled by the batch size where the authors scale it).</param>
/// <param name="BatchSize">The training batch size.</param>
/// <param name="MaxSteps">The step cap (the paper's fixed budget).</param>
/// <param name="Dvar">The DVAR setting of the paper for this method.</param>
/// <param name="Templates">The caption templates.</param>
/// <param name="MaxGradientNorm">The gradient clipping norm, or null for none.</param>
/// <param name="RandomFlip">Whether training images are flipped horizontally at random.</param>
public sealed record PersonalizationDefaults(
    double LearningRate,
    int BatchSize,
    int MaxSteps,
    DvarOptions Dvar,
    PromptTemplateSet Templates,
    double? MaxGradientNorm,
    bool RandomFlip);
