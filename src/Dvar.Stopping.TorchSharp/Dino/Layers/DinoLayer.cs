using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino.Layers;

/// <summary>
/// One pre-LayerNorm transformer layer (transformers <c>ViTLayer</c>):
/// <c>x += attention(layernorm_before(x)); x += output(intermediate(layernorm_after(x)))</c>.
/// </summary>
internal sealed class DinoLayer : nn.Module<Tensor, Tensor>
{
    private readonly DinoAttention attention;
    private readonly DinoDense intermediate;
    private readonly DinoDense output;
    private readonly LayerNorm layernorm_before;
    private readonly LayerNorm layernorm_after;

    /// <summary>Builds the layer.</summary>
    /// <param name="config">A validated config.</param>
    public DinoLayer(DinoConfig config)
        : base(nameof(DinoLayer))
    {
        attention = new DinoAttention(config);
        intermediate = new DinoDense(config.HiddenSize, config.IntermediateSize, gelu: true);
        output = new DinoDense(config.IntermediateSize, config.HiddenSize, gelu: false);
        layernorm_before = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        layernorm_after = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="hidden_states">[B, L, hidden].</param>
    /// <returns>[B, L, hidden].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var attended = hidden_states.Plus(attention.forward(layernorm_before.forward(hidden_states)));
        var result = attended.Plus(output.forward(intermediate.forward(layernorm_after.forward(attended))));
        return result.MoveToOuterDisposeScope();
    }
}
