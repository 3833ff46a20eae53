namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>The quality of a learned concept, as the paper's Table 1 measures it.</summary>
/// <param name="TrainImage">"Train img": the mean cosine similarity of the image features of samples from the training
/// prompts with the concept's images, sample i paired with image i mod n.</param>
/// <param name="ValidationImage">"Val img": the same for samples from the validation prompts; null without validation prompts.</param>
/// <param name="ValidationText">"Val txt": the mean <see cref="IImageTextMetric.TextAlignment"/> of the validation samples with
/// their prompts, the placeholder removed; null without validation prompts.</param>
public sealed record ConceptScores(double TrainImage, double? ValidationImage, double? ValidationText);
