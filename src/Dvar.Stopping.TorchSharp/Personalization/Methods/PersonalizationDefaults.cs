using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>The training defaults of a personalization method under its <see cref="TrainingRecipe"/>: the paper's budget and
/// the data pipeline and regularisation of the recipe's source (docs/personalization.md cites each value).</summary>
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

    /// <summary>Whether instance images get Custom Diffusion's random-rescale augmentation: each instance item's photo is shrunk
    /// into a zero canvas ("a far away " / "very small "), enlarged and cropped ("zoomed in " / "close up ") or kept at about
    /// its size, the prefix goes before its caption, and the instance loss is masked to the pasted region.</summary>
    /// <value>
    /// Default <see langword="false"/>. Under <see cref="TrainingRecipe.Authors"/> it takes the authors' <c>data.py</c> version
    /// and only with class images (prior preservation), as in their code; under <see cref="TrainingRecipe.Diffusers"/>
    /// diffusers' <c>train_custom_diffusion.py</c> version, with or without class images (docs/personalization.md has both).
    /// It needs the instance images loaded with <see cref="ConceptImageOptions.KeepOriginals"/> (the photo is resampled at
    /// every step and VAE-encoded anew). The training instance loss becomes, per row,
    /// <c>Σ_{c,h,w} (pred − target)² · mask / Σ_{h,w} mask</c>, averaged over rows (both sources' formula: the mask has one
    /// channel, so this is C times a masked mean); the deterministic evaluation batch is augmented once (drawn from the
    /// evaluator's generator) and its loss stays the plain mean MSE. The flip of an augmented item is drawn only when
    /// <see cref="RandomFlip"/> is set (the authors flip with p = 0.5).
    /// </value>
    public bool RescaleAugmentation { get; init; }

    /// <summary>The learning rate with prior preservation, or null when it is <see cref="LearningRate"/>.</summary>
    /// <value>Default null. Custom Diffusion: 2 × <see cref="LearningRate"/> (its authors double the rate with class images).</value>
    public double? PriorPreservationLearningRate { get; init; }

    /// <summary>The recipe these defaults belong to.</summary>
    /// <value>Default <see cref="TrainingRecipe.Authors"/>.</value>
    public TrainingRecipe Recipe { get; init; }

    /// <summary>Whether the concept's images are centre-cropped to a square before resizing (see <see cref="ImageOptions"/>).</summary>
    /// <value>Default false. The authors' README commands pass <c>--center_crop</c> for Textual Inversion and DreamBooth.</value>
    public bool CenterCrop { get; init; }

    /// <summary>Whether training needs class images (prior preservation); the trainer refuses a concept without them.</summary>
    /// <value>Default false. True for Custom Diffusion under <see cref="TrainingRecipe.Authors"/>, whose code always trains with
    /// class images (<c>textual_inversion.py</c>: <c>with_prior_preservation = method == 'custom'</c>).</value>
    public bool RequiresClassImages { get; init; }

    /// <summary>The number of items in the deterministic evaluation batch, when the trainer's options do not set it.</summary>
    /// <value>Default 8 (the paper's text). 4 under <see cref="TrainingRecipe.Authors"/>: their <c>--eval_batch_size</c> default
    /// (<c>utils.py</c>), which their DVAR commands do not set.</value>
    public int EvaluationBatchSize { get; init; } = PaperEvaluationBatchSize;

    /// <summary>The evaluation batch of the paper's text (8), the diffusers recipe's default.</summary>
    public const int PaperEvaluationBatchSize = 8;

    /// <summary>The evaluation batch of the authors' code (4, their <c>--eval_batch_size</c> default in <c>utils.py</c>), the authors' recipe's default.</summary>
    public const int AuthorsEvaluationBatchSize = 4;

    /// <summary>Whether the optimizer takes one more step after the evaluation whose L_det made the criterion fire.</summary>
    /// <value>
    /// Default false: the run stops with the parameters that were evaluated, after k − 1 steps when the k-th evaluation fired.
    /// True under <see cref="TrainingRecipe.Authors"/>: their loop evaluates before the optimizer step of the same iteration and
    /// breaks only at the next one, so they report and save k steps (<c>textual_inversion.py</c>, the training loop).
    /// </value>
    public bool OptimizerStepAfterStop { get; init; }

    /// <summary>These defaults with what every method's recipe sets alike: <see cref="Recipe"/>, the evaluation batch (the
    /// authors' 4 or the paper's 8) and whether the optimizer steps once more after the stop (the authors' loop).</summary>
    /// <param name="recipe">The recipe.</param>
    /// <returns>The defaults for the recipe.</returns>
    internal PersonalizationDefaults ForRecipe(TrainingRecipe recipe) => this with
    {
        Recipe = recipe,
        EvaluationBatchSize = recipe == TrainingRecipe.Authors ? AuthorsEvaluationBatchSize : PaperEvaluationBatchSize,
        OptimizerStepAfterStop = recipe == TrainingRecipe.Authors,
    };

    /// <summary>How to load the concept's images for these defaults at a resolution.</summary>
    /// <param name="resolution">The side of the square training images (e.g. the pipeline's <c>DefaultImageSize</c>).</param>
    /// <returns>The options: the resolution, <see cref="CenterCrop"/>, and the decoded originals kept when
    /// <see cref="RescaleAugmentation"/> resizes from them; the rest default.</returns>
    public ConceptImageOptions ImageOptions(int resolution) =>
        new() { Resolution = resolution, CenterCrop = CenterCrop, KeepOriginals = RescaleAugmentation };

    /// <summary>The learning rate to use with or without prior preservation (class images).</summary>
    /// <param name="withPriorPreservation">Whether the trainer uses class images.</param>
    /// <returns><see cref="PriorPreservationLearningRate"/> (when set) with class images; <see cref="LearningRate"/> otherwise.</returns>
    public double LearningRateFor(bool withPriorPreservation) =>
        withPriorPreservation ? PriorPreservationLearningRate ?? LearningRate : LearningRate;
}
