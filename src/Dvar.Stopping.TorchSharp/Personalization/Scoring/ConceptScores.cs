namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>The quality of a learned concept, as the paper's Table 1 measures it.</summary>
/// <param name="TrainImage">"Train img": the mean cosine similarity of the image features of samples from the training
/// prompts with the concept's images, sample i paired with image i mod n.</param>
/// <param name="ValidationImage">"Val img": the same for samples from the validation prompts; null without validation prompts.</param>
/// <param name="ValidationText">"Val txt": the mean <see cref="IImageTextMetric.TextAlignment"/> of the validation samples with
/// their prompts, the placeholder removed; null without validation prompts.</param>
public sealed record ConceptScores(double TrainImage, double? ValidationImage, double? ValidationText)
{
    /// <summary>Gets "Train img" over all pairs: the mean cosine similarity of every training sample with every concept image
    /// (the paired <see cref="TrainImage"/> depends on which image a sample is paired with; this does not).</summary>
    /// <value>Null when the scores were made without it.</value>
    public double? TrainImageAllPairs { get; init; }

    /// <summary>Gets "DINO img": <see cref="TrainImage"/> computed with the features of a second image model (DINO, as the
    /// authors' <c>dino_scores.py</c> logs it), sample i paired with concept image i mod n.</summary>
    /// <value>Null without a second image model.</value>
    public double? DinoImage { get; init; }
}
