using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>The images a <see cref="ConceptScorer"/> generated, with their prompts; owns its tensors.</summary>
public sealed class ConceptSamples : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="ConceptSamples"/> class, taking ownership of the tensors.</summary>
    /// <param name="trainImages">Samples from the training prompts, [n, 3, H, W] in [-1, 1].</param>
    /// <param name="trainPrompts">Their prompts.</param>
    /// <param name="validationImages">Samples from the validation prompts, or null.</param>
    /// <param name="validationPrompts">Their prompts (empty without validation).</param>
    public ConceptSamples(Tensor trainImages, IReadOnlyList<string> trainPrompts, Tensor? validationImages, IReadOnlyList<string> validationPrompts)
    {
        TrainImages = trainImages;
        TrainPrompts = trainPrompts;
        ValidationImages = validationImages;
        ValidationPrompts = validationPrompts;
    }

    /// <summary>Gets the samples from the training prompts, [n, 3, H, W] in [-1, 1] (float32, CPU).</summary>
    public Tensor TrainImages { get; }

    /// <summary>Gets the training prompts, one per sample.</summary>
    public IReadOnlyList<string> TrainPrompts { get; }

    /// <summary>Gets the samples from the validation prompts, [m, 3, H, W] in [-1, 1], or null without validation prompts.</summary>
    public Tensor? ValidationImages { get; }

    /// <summary>Gets the validation prompts, one per sample (with the placeholder).</summary>
    public IReadOnlyList<string> ValidationPrompts { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        TrainImages.Dispose();
        ValidationImages?.Dispose();
    }
}
