using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>GEGLU</c>: a gated linear unit with an exact (erf) GELU gate, <c>h · gelu(g)</c> where <c>[h | g] = proj(x)</c>.</summary>
/// <remarks>
/// State-dict key: <c>proj</c> (<c>[2 · dim_out, dim_in]</c>); the first half of its outputs is <c>h</c>, the second the gate.
/// <see cref="ReplaceProjection"/> swaps <c>proj</c> for another module under the same name (e.g. a LoRA wrapper, whose own
/// parameters then appear as <c>proj.lora.down.weight</c>).
/// </remarks>
internal sealed class Geglu : nn.Module<Tensor, Tensor>
{
    // Replaceable (see ReplaceProjection), hence not readonly; registered under this name by RegisterComponents.
    private nn.Module<Tensor, Tensor> proj;

    /// <summary>Builds the unit.</summary>
    /// <param name="dimIn">Input channels.</param>
    /// <param name="dimOut">Output channels (the projection has twice as many).</param>
    /// <param name="bias">Whether the projection has a bias.</param>
    internal Geglu(long dimIn, long dimOut, bool bias = true)
        : base("GEGLU")
    {
        proj = nn.Linear(dimIn, dimOut * 2, hasBias: bias);
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

    /// <summary>The module currently used as the projection (a <see cref="Linear"/> unless replaced).</summary>
    internal nn.Module<Tensor, Tensor> Projection => proj;

    /// <summary>Replaces the projection by another module with the same signature, registered under the same name (<c>proj</c>).</summary>
    /// <param name="replacement">The new module: <c>[..., dim_in] -&gt; [..., 2 · dim_out]</c>.</param>
    /// <returns>The module it replaces; the caller owns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="replacement"/> is this module or already the projection.</exception>
    internal nn.Module<Tensor, Tensor> ReplaceProjection(nn.Module<Tensor, Tensor> replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var previous = proj;
        if (ReferenceEquals(replacement, previous) || ReferenceEquals(replacement, this))
        {
            throw new ArgumentException("The replacement of the GEGLU projection must be a new module.", nameof(replacement));
        }

        proj = replacement;
        _internal_submodules[nameof(proj)] = replacement;
        return previous;
    }
}
