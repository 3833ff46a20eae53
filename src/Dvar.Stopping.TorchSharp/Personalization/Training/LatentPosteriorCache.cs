using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>The VAE posterior (mean and standard deviation) of each (image, flip) of a concept, encoded once on first use.</summary>
/// <remarks>
/// The VAE is frozen in every personalization method, so an image's posterior never changes: a latent sample is then just
/// <c>mean + std · ε</c>, as <see cref="DiagonalGaussianDistribution.Sample(Tensor)"/> computes it. Each (image, flip) is
/// encoded alone (batch of one) under <c>no_grad</c>, so the cached values do not depend on the order or the company in
/// which items are first asked for. Entries are in the pipeline's dtype on its device; memory is
/// <c>2 · C · (R / f)²</c> elements per entry (128 KiB per entry for SD v1.5 in float32). Not thread-safe.
/// </remarks>
internal sealed class LatentPosteriorCache : IDisposable
{
    private readonly StableDiffusionPipeline _pipeline;
    private readonly ConceptImages _images;
    private readonly Dictionary<(long Index, bool Flip), (Tensor Mean, Tensor Std)> _entries = [];

    /// <summary>Creates an empty cache over a concept's images.</summary>
    /// <param name="pipeline">The pipeline whose VAE encodes.</param>
    /// <param name="images">The images.</param>
    public LatentPosteriorCache(StableDiffusionPipeline pipeline, ConceptImages images)
    {
        _pipeline = pipeline;
        _images = images;
        int size = images.Resolution / pipeline.VaeScaleFactor;
        LatentShape = [pipeline.Vae.Config.LatentChannels, size, size];
    }

    /// <summary>The shape <c>[C, R / f, R / f]</c> of one item's latent.</summary>
    public long[] LatentShape { get; }

    /// <summary>The number of (image, flip) entries encoded so far.</summary>
    public int Count => _entries.Count;

    /// <summary>Draws scaled latents <c>(mean + std · ε) · scaling_factor</c> for a batch of (image, flip) items.</summary>
    /// <param name="indices">The images.</param>
    /// <param name="flips">Whether each is mirrored.</param>
    /// <param name="eps">Standard normal noise <c>[B, C, R / f, R / f]</c>, any device and floating dtype.</param>
    /// <returns>The scaled latents in the pipeline's dtype on its device; the caller owns them.</returns>
    public Tensor SampleScaled(long[] indices, bool[] flips, Tensor eps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var means = new Tensor[indices.Length];
        var stds = new Tensor[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            (means[i], stds[i]) = Get(indices[i], flips[i]);
        }

        var mean = stack(means);
        var std = stack(stds);
        var noise = eps.to(mean.dtype, mean.device);
        return mean.Plus(std * noise).Times(_pipeline.Vae.ScalingFactor).MoveToOuterDisposeScope();
    }

    /// <summary>Disposes every cached tensor.</summary>
    public void Dispose()
    {
        foreach (var (mean, std) in _entries.Values)
        {
            mean.Dispose();
            std.Dispose();
        }

        _entries.Clear();
    }

    private (Tensor Mean, Tensor Std) Get(long index, bool flip)
    {
        if (_entries.TryGetValue((index, flip), out var entry))
        {
            return entry;
        }

        using (var scope = NewDisposeScope())
        {
            var image = _images.GetImage((int)index, flip).unsqueeze(0).to(_pipeline.Dtype, _pipeline.Device);
            using var posterior = _pipeline.Vae.Encode(image);
            entry = (posterior.Mean[0].clone().DetachFromDisposeScope(), posterior.Std[0].clone().DetachFromDisposeScope());
        }

        _entries.Add((index, flip), entry);
        return entry;
    }
}
