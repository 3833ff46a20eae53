using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>
/// A cross-attention key or value projection with a float32 weight whose output at token position 0 is detached (diffusers'
/// <c>CustomDiffusionAttnProcessor</c>): <c>k = W c</c>, and no gradient flows through <c>k[:, 0]</c> (the start token).
/// </summary>
/// <remarks>
/// Replaces <c>attn2.to_k</c> / <c>attn2.to_v</c> in place: its weight keeps the key <c>to_k.weight</c> / <c>to_v.weight</c>.
/// Mixed precision: the context is cast to float32, projected, and the result cast back to the context's dtype.
/// </remarks>
internal sealed class CustomDiffusionProjection : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    /// <summary>Builds the projection from a weight.</summary>
    /// <param name="initialWeight">[inner, cross_attention_dim] values, any dtype and device; copied as float32 to <paramref name="device"/>.</param>
    /// <param name="device">The device of the weight.</param>
    /// <param name="trainable">Whether the weight requires gradients.</param>
    public CustomDiffusionProjection(Tensor initialWeight, Device device, bool trainable)
        : base(nameof(CustomDiffusionProjection))
    {
        Tensor copy;
        using (NewDisposeScope())
        using (no_grad())
        {
            copy = initialWeight.detach().to(ScalarType.Float32, device, copy: true).DetachFromDisposeScope();
        }

        weight = new Parameter(copy, trainable);
        RegisterComponents();
    }

    /// <summary>The float32 weight [inner, cross_attention_dim].</summary>
    public Parameter Weight => weight;

    /// <summary>Projects the context.</summary>
    /// <param name="context">[B, L, cross_attention_dim] encoder hidden states.</param>
    /// <returns>[B, L, inner] in the context's dtype; position 0 carries no gradient.</returns>
    public override Tensor forward(Tensor context)
    {
        using var scope = NewDisposeScope();
        var projected = nn.functional.linear(context.to_type(ScalarType.Float32), weight);
        var first = HeldScalar.WithInteger(0, HeldScalar.Range(projected.shape[1], device: projected.device).eq).view(1, -1, 1);
        var detached = where(first, projected.detach(), projected);
        return detached.to_type(context.dtype).MoveToOuterDisposeScope();
    }
}
