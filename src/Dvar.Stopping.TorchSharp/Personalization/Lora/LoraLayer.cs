using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>The low-rank update <c>up(down(x))</c> of a LoRA layer; keys <c>down.weight</c> [r, in] and <c>up.weight</c> [out, r].</summary>
/// <remarks>diffusers' <c>LoRALinearLayer</c> without its scale: the wrapper (<see cref="LoraLinear"/>) applies the scale.</remarks>
internal sealed class LoraLayer : nn.Module<Tensor, Tensor>
{
    private readonly Linear down;
    private readonly Linear up;

    /// <summary>Builds the layer from its two weights, taking ownership of them.</summary>
    /// <param name="downWeight">[r, in], float32, on the target device; moved into a parameter (the tensor becomes empty).</param>
    /// <param name="upWeight">[out, r], float32, on the same device; moved into a parameter.</param>
    /// <param name="trainable">Whether the weights require gradients.</param>
    public LoraLayer(Tensor downWeight, Tensor upWeight, bool trainable)
        : base(nameof(LoraLayer))
    {
        Rank = downWeight.shape[0];
        // Out of any caller's dispose scope: the parameters live as long as the model.
        down = nn.Linear(new Parameter(downWeight.DetachFromDisposeScope(), trainable));
        up = nn.Linear(new Parameter(upWeight.DetachFromDisposeScope(), trainable));
        RegisterComponents();
    }

    /// <summary>The rank r.</summary>
    public long Rank { get; }

    /// <summary>The down projection's weight [r, in].</summary>
    public Parameter Down => down.weight!;

    /// <summary>The up projection's weight [out, r].</summary>
    public Parameter Up => up.weight!;

    /// <summary>Applies <c>up(down(x))</c>.</summary>
    /// <param name="x">[..., in] float32.</param>
    /// <returns>[..., out] float32.</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return up.call(down.call(x)).MoveToOuterDisposeScope();
    }
}
