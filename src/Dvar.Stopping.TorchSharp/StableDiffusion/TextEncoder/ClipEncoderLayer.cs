using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>One pre-LayerNorm transformer layer of a CLIP encoder, text or vision (transformers <c>CLIPEncoderLayer</c>).</summary>
/// <remarks><c>x += self_attn(layer_norm1(x)); x += mlp(layer_norm2(x))</c>.</remarks>
internal sealed class ClipEncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly ClipAttention self_attn;
    private readonly LayerNorm layer_norm1;
    private readonly ClipMlp mlp;
    private readonly LayerNorm layer_norm2;

    /// <summary>Builds the layer.</summary>
    /// <param name="shape">The widths, activation and attention kind.</param>
    public ClipEncoderLayer(ClipEncoderShape shape)
        : base(nameof(ClipEncoderLayer))
    {
        self_attn = new ClipAttention(shape.HiddenSize, shape.NumAttentionHeads, shape.Causal);
        layer_norm1 = nn.LayerNorm(shape.HiddenSize, shape.LayerNormEps);
        mlp = new ClipMlp(shape.HiddenSize, shape.IntermediateSize, shape.HiddenAct);
        layer_norm2 = nn.LayerNorm(shape.HiddenSize, shape.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Runs the layer.</summary>
    /// <param name="hidden_states">[B, L, hidden].</param>
    /// <returns>[B, L, hidden].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var residual = hidden_states;
        hidden_states = layer_norm1.forward(hidden_states);
        hidden_states = self_attn.forward(hidden_states);
        hidden_states = residual.Plus(hidden_states);

        residual = hidden_states;
        hidden_states = layer_norm2.forward(hidden_states);
        hidden_states = mlp.forward(hidden_states);
        hidden_states = residual.Plus(hidden_states);
        return hidden_states.MoveToOuterDisposeScope();
    }
}
