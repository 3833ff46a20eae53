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
    bool RandomFlip)
{
    /// <summary>The weight of the class (prior-preservation) half of the loss: <c>mse(instance) + PriorLossWeight · mse(class)</c>.</summary>
    /// <value>Default 1.0 (diffusers' DreamBooth and Custom Diffusion examples). Used only when the trainer is given class images.</value>
    public double PriorLossWeight { get; init; } = 1.0;

    /// <summary>The learning rate with prior preservation, or null when it is <see cref="LearningRate"/>.</summary>
    /// <value>Default null. Custom Diffusion: 2 × <see cref="LearningRate"/> (its authors double the rate with class images).</value>
    public double? PriorPreservationLearningRate { get; init; }

    /// <summary>The learning rate to use with or without prior preservation (class images).</summary>
    /// <param name="withPriorPreservation">Whether the trainer uses class images.</param>
    /// <returns><see cref="PriorPreservationLearningRate"/> (when set) with class images; <see cref="LearningRate"/> otherwise.</returns>
    public double LearningRateFor(bool withPriorPreservation) =>
        withPriorPreservation ? PriorPreservationLearningRate ?? LearningRate : LearningRate;
}
