using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>One batch of the latent-diffusion loss, on the pipeline's device: clean latents, captions, timesteps, noise.</summary>
/// <remarks>With prior preservation the first <see cref="InstanceCount"/> rows are instance items and the rest class items.
/// With Custom Diffusion's random rescaling the instance rows carry a loss mask (<see cref="InstanceMask"/>). The batch owns
/// its tensors.</remarks>
internal sealed class DiffusionBatch : IDisposable
{
    /// <summary>Bundles the tensors of a batch (taking ownership).</summary>
    /// <param name="latents">Scaled clean latents <c>z_0 = E(x) · scaling_factor</c>, [B, C, h, w], in the pipeline's dtype.</param>
    /// <param name="inputIds">Caption token ids, [B, L] int64.</param>
    /// <param name="timesteps">Diffusion timesteps, [B] int64.</param>
    /// <param name="noise">The diffusion noise ε, [B, C, h, w], in the pipeline's dtype.</param>
    /// <param name="instanceCount">How many leading rows are instance items (B without prior preservation).</param>
    /// <param name="instanceMask">The instance rows' loss mask <c>[instanceCount, 1, h, w]</c> float32, or null for none.</param>
    public DiffusionBatch(Tensor latents, Tensor inputIds, Tensor timesteps, Tensor noise, long instanceCount, Tensor? instanceMask = null)
    {
        InstanceMask = instanceMask;
        Latents = latents;
        InputIds = inputIds;
        Timesteps = timesteps;
        Noise = noise;
        InstanceCount = instanceCount;
    }

    /// <summary>The scaled clean latents z_0, [B, C, h, w].</summary>
    public Tensor Latents { get; }

    /// <summary>The caption token ids, [B, L].</summary>
    public Tensor InputIds { get; }

    /// <summary>The timesteps t, [B].</summary>
    public Tensor Timesteps { get; }

    /// <summary>The noise ε, [B, C, h, w].</summary>
    public Tensor Noise { get; }

    /// <summary>The number of leading instance rows; the remaining rows are class items.</summary>
    public long InstanceCount { get; }

    /// <summary>The loss mask of the instance rows, <c>[InstanceCount, 1, h, w]</c> float32 on the batch's device, or null.</summary>
    public Tensor? InstanceMask { get; }

    /// <summary>The number of rows B.</summary>
    public long Count => Latents.shape[0];

    /// <summary>Disposes the tensors.</summary>
    public void Dispose()
    {
        Latents.Dispose();
        InputIds.Dispose();
        Timesteps.Dispose();
        Noise.Dispose();
        InstanceMask?.Dispose();
    }
}
