using Dvar.Stopping.TorchSharp.Personalization.Lora;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Loading and fusing UNet LoRA weights.</summary>
public sealed partial class DreamBoothLora
{
    /// <summary>
    /// Applies a diffusers UNet LoRA file to a pipeline: each named layer becomes <c>W x + b + scale · up(down(x))</c> with the file's
    /// weights (frozen, float32), or, with <paramref name="fuse"/>, the plain layer <c>W + scale · up @ down</c>.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="path">A <c>pytorch_lora_weights.safetensors</c> file with keys <c>unet.&lt;module path&gt;.lora.{down,up}.weight</c>.</param>
    /// <param name="scale">The factor of the updates (diffusers' <c>cross_attention_kwargs={"scale": ...}</c>).</param>
    /// <param name="fuse">Whether to fuse the updates into the weights (no extra cost per step, scale fixed).</param>
    /// <returns>The module paths adapted.</returns>
    /// <remarks>A trained token embedding saved beside the file is loaded with <see cref="TextualInversion.LoadEmbeddings"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not finite.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NotSupportedException">The file is a pickle (<c>.bin</c>); convert it to safetensors.</exception>
    /// <exception cref="InvalidDataException">
    /// The file does not fit the UNet; one message lists the unknown module paths, incomplete pairs, layers that already have a
    /// LoRA and shape mismatches. Nothing is changed then.
    /// </exception>
    public static IReadOnlyList<string> LoadWeights(StableDiffusionPipeline pipeline, string path, double scale = 1.0, bool fuse = false)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!double.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), $"scale must be finite; got {scale}.");
        }

        var paths = LoraAdapters.LoadFrozen(pipeline.Unet, path, scale);
        if (fuse)
        {
            LoraAdapters.FuseAll(pipeline.Unet);
        }

        return paths;
    }

    /// <summary>Fuses every loaded LoRA of the pipeline's UNet into its layer's weight (<c>W += scale · up @ down</c>); plain linear layers remain.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <returns>The number of layers fused.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A LoRA is still training (an attached <see cref="DreamBoothLora"/>); nothing is fused then.</exception>
    public static int Fuse(StableDiffusionPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return LoraAdapters.FuseAll(pipeline.Unet);
    }
}
