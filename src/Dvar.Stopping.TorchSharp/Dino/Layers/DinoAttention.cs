using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino.Layers;

/// <summary>Self-attention plus its output projection (transformers <c>ViTAttention</c>): keys <c>attention.{query,key,value}</c> and <c>output.dense</c>.</summary>
internal sealed class DinoAttention : nn.Module<Tensor, Tensor>
{
    private readonly DinoSelfAttention attention;
    private readonly DinoDense output;

    /// <summary>Builds the block.</summary>
    /// <param name="config">A validated config.</param>
    public DinoAttention(DinoConfig config)
        : base(nameof(DinoAttention))
    {
        attention = new DinoSelfAttention(config);
        output = new DinoDense(config.HiddenSize, config.HiddenSize, gelu: false);
        RegisterComponents();
    }

    /// <summary>Attends and projects (no residual).</summary>
    /// <param name="hidden_states">[B, L, hidden].</param>
    /// <returns>[B, L, hidden].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var context = attention.forward(hidden_states);
        return output.forward(context);
    }
}
