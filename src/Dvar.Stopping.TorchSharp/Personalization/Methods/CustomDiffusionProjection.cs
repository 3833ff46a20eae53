using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>
/// The Custom Diffusion adapter of a cross-attention key or value <see cref="Projection"/> (diffusers'
/// <c>CustomDiffusionAttnProcessor</c>): the projection's weight becomes float32 and <c>k = W c</c> with no gradient through
/// <c>k[:, 0]</c> (the start token).
/// </summary>
/// <remarks>
/// The trained weight is the projection's own, so it keeps the key <c>to_k.weight</c> / <c>to_v.weight</c>; the adapter
/// registers no parameters. Mixed precision: the context is cast to float32, projected, and the result cast back to the
/// context's dtype.
/// </remarks>
internal sealed class CustomDiffusionProjection : IProjectionAdapter
{
    private readonly Projection _projection;

    private CustomDiffusionProjection(Projection projection) => _projection = projection;

    /// <summary>The float32 weight [inner, cross_attention_dim] (the projection's).</summary>
    public Parameter Weight => _projection.Weight;

    /// <summary>Puts the adapter into a projection's slot, converting its weight to float32 (<c>Module.to</c>) first.</summary>
    /// <param name="projection">A key or value projection without a bias; its slot must be empty.</param>
    /// <param name="trainable">Whether the weight requires gradients.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="InvalidOperationException">The projection has an adapter already.</exception>
    public static CustomDiffusionProjection Attach(Projection projection, bool trainable)
    {
        if (projection.Adapter is not null)
        {
            throw new InvalidOperationException($"The projection has an adapter already ({projection.Adapter.GetType().Name}).");
        }

        projection.to(ScalarType.Float32);
        projection.Weight.requires_grad_(trainable);
        var adapter = new CustomDiffusionProjection(projection);
        projection.Attach(adapter);
        return adapter;
    }

    /// <summary>Projects the context.</summary>
    /// <param name="projection">The projection whose slot holds this adapter.</param>
    /// <param name="x">[B, L, cross_attention_dim] encoder hidden states.</param>
    /// <returns>[B, L, inner] in the context's dtype; position 0 carries no gradient.</returns>
    public Tensor Forward(Projection projection, Tensor x)
    {
        using var scope = NewDisposeScope();
        var projected = projection.Linear(x.to_type(ScalarType.Float32));
        var first = HeldScalar.WithInteger(0, HeldScalar.Range(projected.shape[1], device: projected.device).eq).view(1, -1, 1);
        var detached = where(first, projected.detach(), projected);
        return detached.to_type(x.dtype).MoveToOuterDisposeScope();
    }
}
