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

    /// <summary>Whether instance images get Custom Diffusion's random-rescale augmentation, as the DVAR authors' data.py does
    /// with prior preservation: each instance item's photo is shrunk into a zero canvas ("a far away " / "very small "),
    /// enlarged and cropped ("zoomed in " / "close up ") or resized whole, the prefix goes before its caption, and the
    /// instance loss is masked to the pasted region.</summary>
    /// <value>
    /// Default <see langword="false"/>. Takes effect only with class images (prior preservation), as in the authors' code, and
    /// then needs the instance images loaded with <see cref="ConceptImageOptions.KeepOriginals"/> (the photo is resampled at
    /// every step and VAE-encoded anew). The training instance loss becomes, per row,
    /// <c>Σ_{c,h,w} (pred − target)² · mask / Σ_{h,w} mask</c>, averaged over rows (the authors' formula: the mask has one
    /// channel, so this is C times a masked mean); the deterministic evaluation batch is augmented once (drawn from the
    /// evaluator's generator) and its loss stays the plain mean MSE. The flip of an augmented item is drawn only when
    /// <see cref="RandomFlip"/> is set (the authors flip with p = 0.5).
    /// </value>
    public bool RescaleAugmentation { get; init; }

    /// <summary>The learning rate with prior preservation, or null when it is <see cref="LearningRate"/>.</summary>
    /// <value>Default null. Custom Diffusion: 2 × <see cref="LearningRate"/> (its authors double the rate with class images).</value>
    public double? PriorPreservationLearningRate { get; init; }

    /// <summary>The learning rate to use with or without prior preservation (class images).</summary>
    /// <param name="withPriorPreservation">Whether the trainer uses class images.</param>
    /// <returns><see cref="PriorPreservationLearningRate"/> (when set) with class images; <see cref="LearningRate"/> otherwise.</returns>
    public double LearningRateFor(bool withPriorPreservation) =>
        withPriorPreservation ? PriorPreservationLearningRate ?? LearningRate : LearningRate;
}
