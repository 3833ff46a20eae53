using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>GEGLU</c>: a gated linear unit with an exact (erf) GELU gate, <c>h · gelu(g)</c> where <c>[h | g] = proj(x)</c>.</summary>
/// <remarks>
/// State-dict key: <c>proj</c> (<c>[2 · dim_out, dim_in]</c>); the first half of its outputs is <c>h</c>, the second the gate.
/// <c>proj</c> is a <see cref="Layers.Projection"/>, registered once: a method adapts it through its slot (e.g. LoRA, whose
/// own parameters then appear as <c>proj.lora.down.weight</c>).
/// </remarks>
internal sealed class Geglu : nn.Module<Tensor, Tensor>
{
    private readonly Projection proj;

    /// <summary>Builds the unit.</summary>
    /// <param name="dimIn">Input channels.</param>
    /// <param name="dimOut">Output channels (the projection has twice as many).</param>
    /// <param name="bias">Whether the projection has a bias.</param>
    internal Geglu(long dimIn, long dimOut, bool bias = true)
        : base("GEGLU")
    {
        proj = new Projection(dimIn, dimOut * 2, hasBias: bias);
        RegisterComponents();
    }

    /// <summary>Applies the unit.</summary>
    /// <param name="hidden_states">Input <c>[..., dim_in]</c>.</param>
    /// <returns>Output <c>[..., dim_out]</c>.</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        hidden_states = proj.call(hidden_states);
        var chunks = hidden_states.chunk(2, dim: -1);
        var (h, gate) = (chunks[0], chunks[1]);
        var output = h * nn.functional.gelu(gate);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>The projection <c>proj</c>, whose slot takes an adapter.</summary>
    internal Projection Projection => proj;
}
