using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>An image model whose features measure how alike two images are (CLIP's or DINO's image tower).</summary>
/// <remarks>Implementations must not change their weights and must compute without gradients; they resize and normalise
/// the images as their own preprocessing does.</remarks>
public interface IImageMetric
{
    /// <summary>Gets a short name for reports, e.g. <c>clip-vit-b-32</c> or <c>dino-vits16</c>.</summary>
    string Name { get; }

    /// <summary>Computes image features whose cosine similarity measures how alike two images are.</summary>
    /// <param name="images">RGB images in [-1, 1], <c>[n, 3, H, W]</c>, on any device (the metric resizes them as it needs).</param>
    /// <returns>Features <c>[n, d]</c>, float32, not normalised; the caller owns the tensor.</returns>
    /// <exception cref="ArgumentException">The images are not <c>[n, 3, H, W]</c>.</exception>
    Tensor ImageFeatures(Tensor images);
}
