using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>
/// A frozen linear layer plus a low-rank update: <c>y = W x + b + scale · up(down(x))</c>, replacing the layer in place so that the
/// model's state-dict keys stay unchanged (<c>weight</c>, <c>bias</c>) and the update appears as <c>lora.down.weight</c> /
/// <c>lora.up.weight</c> (diffusers' LoRA file keys, without the <c>unet.</c> prefix).
/// </summary>
/// <remarks>
/// Mixed precision: the update's weights are float32; when the base is float16/bfloat16, x is cast to float32 for the update, the
/// base output is added in float32 and the sum is cast back to the base dtype. With <c>up = 0</c> the output is exactly the base
/// layer's.
/// </remarks>
internal sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly LoraLayer lora;

    private LoraLinear(Parameter weight, Parameter? bias, LoraLayer lora, double scale)
        : base(nameof(LoraLinear))
    {
        this.weight = weight;
        this.bias = bias;
        this.lora = lora;
        Scale = scale;
        RegisterComponents();
    }

    /// <summary>The factor of the update (alpha / rank for training; the user's scale times any stored alpha / rank when loaded).</summary>
    public double Scale { get; }

    /// <summary>The update's weights.</summary>
    public LoraLayer Lora => lora;

    /// <summary>Whether the update's weights require gradients.</summary>
    public bool IsTrainable => lora.Down.requires_grad;

    /// <summary>Wraps a linear layer, sharing its weight and bias as frozen parameters (the layer may be disposed afterwards).</summary>
    /// <param name="linear">The layer being replaced.</param>
    /// <param name="down">[r, in] float32 on the layer's device; moved into a parameter.</param>
    /// <param name="up">[out, r] float32 on the layer's device; moved into a parameter.</param>
    /// <param name="scale">The update's factor.</param>
    /// <param name="trainable">Whether <paramref name="down"/> and <paramref name="up"/> train.</param>
    /// <returns>The wrapper.</returns>
    public static LoraLinear Wrap(Linear linear, Tensor down, Tensor up, double scale, bool trainable)
    {
        // Detached handles share the storage, which outlives the disposed layer.
        var frozenWeight = new Parameter(linear.weight!.detach().DetachFromDisposeScope(), requires_grad: false);
        var frozenBias = linear.bias is { } b ? new Parameter(b.detach().DetachFromDisposeScope(), requires_grad: false) : null;
        return new LoraLinear(frozenWeight, frozenBias, new LoraLayer(down, up, trainable), scale);
    }

    /// <summary>Applies the layer.</summary>
    /// <param name="x">[..., in] in the base dtype.</param>
    /// <returns>[..., out] in the base dtype.</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = nn.functional.linear(x, weight, bias);
        var update = lora.call(x.to_type(ScalarType.Float32)).Times(Scale);
        var output = result.dtype == ScalarType.Float32
            ? result.Plus(update)
            : result.to_type(ScalarType.Float32).Plus(update).to_type(result.dtype);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Builds the plain layer <c>W + scale · up @ down</c> (computed in float32, stored in the base dtype) with the same bias.</summary>
    /// <returns>A new frozen <see cref="Linear"/>; this wrapper is left unchanged (dispose it after swapping).</returns>
    public Linear Fuse()
    {
        Tensor fused;
        using (NewDisposeScope())
        using (no_grad())
        {
            var delta = lora.Up.matmul(lora.Down).Times(Scale);
            fused = weight.to_type(ScalarType.Float32).Plus(delta).to_type(weight.dtype).DetachFromDisposeScope();
        }

        var fusedBias = bias is null ? null : new Parameter(bias.detach().DetachFromDisposeScope(), requires_grad: false);
        return nn.Linear(new Parameter(fused, requires_grad: false), fusedBias);
    }
}
