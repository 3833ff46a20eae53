using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino.Layers;

/// <summary>Bidirectional multi-head self-attention (transformers <c>ViTSelfAttention</c>): keys <c>query</c>, <c>key</c>, <c>value</c>.</summary>
/// <remarks><c>softmax(q·kᵀ · head_dim^-0.5)·v</c> over all tokens, no mask; the heads are concatenated, not projected (that is <see cref="DinoAttention"/>'s <c>output.dense</c>).</remarks>
internal sealed class DinoSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly long _heads;

    /// <summary>Builds the projections.</summary>
    /// <param name="config">A validated config.</param>
    public DinoSelfAttention(DinoConfig config)
        : base(nameof(DinoSelfAttention))
    {
        _heads = config.NumAttentionHeads;
        query = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias);
        key = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias);
        value = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias);
        RegisterComponents();
    }

    /// <summary>Attends every token to every token.</summary>
    /// <param name="hidden_states">[B, L, hidden].</param>
    /// <returns>[B, L, hidden], the heads concatenated.</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        long batch = hidden_states.shape[0];
        long length = hidden_states.shape[1];
        long width = hidden_states.shape[2];
        var q = SplitHeads(query.forward(hidden_states), batch, length);
        var k = SplitHeads(key.forward(hidden_states), batch, length);
        var v = SplitHeads(value.forward(hidden_states), batch, length);

        // The default scale of scaled_dot_product_attention is head_dim^-0.5, ViT's scale.
        var context = nn.functional.scaled_dot_product_attention(q, k, v);
        return context.transpose(1, 2).reshape(batch, length, width).MoveToOuterDisposeScope();
    }

    /// <summary>[B, L, heads·d] to [B, heads, L, d].</summary>
    private Tensor SplitHeads(Tensor x, long batch, long length) => x.view(batch, length, _heads, -1).transpose(1, 2);
}
