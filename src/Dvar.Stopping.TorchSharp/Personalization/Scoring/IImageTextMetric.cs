using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>An image-text model that scores samples, as CLIP does in the paper's tables: image features for image-image
/// similarity, and an agreement between an image and a text.</summary>
/// <remarks>
/// <para>Implementations must not change their weights and must compute without gradients. <see cref="ConceptScorer"/> calls
/// them from the training thread between steps.</para>
/// <para><c>dvar demo</c> ships a stand-in for CLIP trained on its toy world; a CLIP model implements the same contract.</para>
/// </remarks>
public interface IImageTextMetric : IImageMetric
{
    /// <summary>Scores how well each image shows its text (CLIP: the cosine of image and text features).</summary>
    /// <param name="images">RGB images in [-1, 1], <c>[n, 3, H, W]</c>.</param>
    /// <param name="texts">One text per image.</param>
    /// <returns>Scores <c>[n]</c>, float32, higher is better; the caller owns the tensor.</returns>
    /// <exception cref="ArgumentException">The images are not <c>[n, 3, H, W]</c> or their count differs from the texts'.</exception>
    Tensor TextAlignment(Tensor images, IReadOnlyList<string> texts);
}
