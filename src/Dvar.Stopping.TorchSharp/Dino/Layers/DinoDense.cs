using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino.Layers;

/// <summary>
/// A linear layer under the key <c>dense</c>, optionally followed by the exact (erf) GELU: transformers' <c>ViTSelfOutput</c>
/// (attention output projection), <c>ViTIntermediate</c> (with GELU) and <c>ViTOutput</c> (the residual is added by <see cref="DinoLayer"/>).
/// </summary>
internal sealed class DinoDense : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly bool _gelu;

    /// <summary>Builds the layer.</summary>
    /// <param name="inFeatures">The input width.</param>
    /// <param name="outFeatures">The output width.</param>
    /// <param name="gelu">Whether the exact GELU follows.</param>
    public DinoDense(long inFeatures, long outFeatures, bool gelu)
        : base(nameof(DinoDense))
    {
        _gelu = gelu;
        dense = nn.Linear(inFeatures, outFeatures);
        RegisterComponents();
    }

    /// <summary>Applies the layer position-wise.</summary>
    /// <param name="hidden_states">[B, L, in].</param>
    /// <returns>[B, L, out].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        if (!_gelu)
        {
            return dense.forward(hidden_states);
        }

        using var projected = dense.forward(hidden_states);
        return nn.functional.gelu(projected);
    }
}
