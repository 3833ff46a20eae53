using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>Multi-head self-attention of a CLIP encoder layer (transformers <c>CLIPAttention</c>).</summary>
/// <remarks>
/// Text tower: <c>softmax(q·kᵀ · head_dim^-0.5 + causal mask)·v</c>, where position i attends to positions j ≤ i only. Padding
/// is not masked: SD v1.5 calls the encoder without an attention mask. Vision tower: the same without the causal mask (every
/// position attends to every position). All four projections have biases.
/// </remarks>
internal sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear q_proj;
    private readonly Linear out_proj;
    private readonly long _heads;
    private readonly bool _causal;

    /// <summary>Builds the projections.</summary>
    /// <param name="hiddenSize">The embedding width.</param>
    /// <param name="heads">The number of heads; divides <paramref name="hiddenSize"/>.</param>
    /// <param name="causal">Whether position i attends to positions j ≤ i only (the text tower) or to every position (the vision tower).</param>
    public ClipAttention(long hiddenSize, long heads, bool causal)
        : base(nameof(ClipAttention))
    {
        _heads = heads;
        _causal = causal;
        k_proj = nn.Linear(hiddenSize, hiddenSize);
        v_proj = nn.Linear(hiddenSize, hiddenSize);
        q_proj = nn.Linear(hiddenSize, hiddenSize);
        out_proj = nn.Linear(hiddenSize, hiddenSize);
        RegisterComponents();
    }

    /// <summary>Attends each position to itself and the positions before it (causal), or to every position.</summary>
    /// <param name="hidden_states">[B, L, hidden].</param>
    /// <returns>[B, L, hidden].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        long batch = hidden_states.shape[0];
        long length = hidden_states.shape[1];
        long width = hidden_states.shape[2];
        var query_states = SplitHeads(q_proj.forward(hidden_states), batch, length);
        var key_states = SplitHeads(k_proj.forward(hidden_states), batch, length);
        var value_states = SplitHeads(v_proj.forward(hidden_states), batch, length);

        // The default scale of scaled_dot_product_attention is head_dim^-0.5, CLIP's scale.
        var attn_output = nn.functional.scaled_dot_product_attention(query_states, key_states, value_states, is_casual: _causal);
        attn_output = attn_output.transpose(1, 2).reshape(batch, length, width);
        return out_proj.forward(attn_output).MoveToOuterDisposeScope();
    }

    /// <summary>[B, L, heads·d] to [B, heads, L, d].</summary>
    private Tensor SplitHeads(Tensor x, long batch, long length) => x.view(batch, length, _heads, -1).transpose(1, 2);
}
