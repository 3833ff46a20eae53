using Dvar.Stopping.TorchSharp.Personalization.Data;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Evaluation;

/// <summary>The random inputs of one evaluation batch, as drawn on the CPU: which items (with their augmentation, if any),
/// and the three noise tensors.</summary>
/// <remarks>Owns its tensors. The evaluator keeps the frozen draw and the draw of its last evaluation (for tests).</remarks>
internal sealed class EvaluationDraw : IDisposable
{
    /// <summary>Bundles a draw (taking ownership of the tensors).</summary>
    /// <param name="imageIndices">The image of each item.</param>
    /// <param name="flips">Whether each item's image is mirrored.</param>
    /// <param name="templateIndices">The caption template of each item.</param>
    /// <param name="latentNoise">The VAE posterior noise, [B, C, h, w] float32.</param>
    /// <param name="timesteps">The timesteps, [B] int64.</param>
    /// <param name="noise">The diffusion noise, [B, C, h, w] float32.</param>
    /// <param name="augmentations">Each item's random-rescale draw, or null without the augmentation.</param>
    /// <param name="prefixes">Each item's caption prefix, or null for none.</param>
    public EvaluationDraw(
        long[] imageIndices, bool[] flips, long[] templateIndices, Tensor latentNoise, Tensor timesteps, Tensor noise,
        RescaleDraw[]? augmentations = null, string[]? prefixes = null)
    {
        Augmentations = augmentations;
        Prefixes = prefixes ?? [.. imageIndices.Select(_ => string.Empty)];
        ImageIndices = imageIndices;
        Flips = flips;
        TemplateIndices = templateIndices;
        LatentNoise = latentNoise;
        Timesteps = timesteps;
        Noise = noise;
    }

    /// <summary>The image of each item.</summary>
    public long[] ImageIndices { get; }

    /// <summary>Whether each item's image is mirrored.</summary>
    public bool[] Flips { get; }

    /// <summary>Each item's random-rescale draw (Custom Diffusion), or null without the augmentation.</summary>
    public RescaleDraw[]? Augmentations { get; }

    /// <summary>Each item's caption prefix (empty without the augmentation or for a whole-image item).</summary>
    public string[] Prefixes { get; }

    /// <summary>The caption template of each item.</summary>
    public long[] TemplateIndices { get; }

    /// <summary>The VAE posterior noise ε_E, [B, C, h, w] float32 (CPU).</summary>
    public Tensor LatentNoise { get; }

    /// <summary>The timesteps t, [B] int64 (CPU).</summary>
    public Tensor Timesteps { get; }

    /// <summary>The diffusion noise ε, [B, C, h, w] float32 (CPU).</summary>
    public Tensor Noise { get; }

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        LatentNoise.Dispose();
        Timesteps.Dispose();
        Noise.Dispose();
    }
}
