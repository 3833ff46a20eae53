using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>BasicTransformerBlock</c> as SD uses it (<c>norm_type="layer_norm"</c>, GEGLU feed-forward).</summary>
/// <remarks>
/// <c>x += attn1(norm1(x)); x += attn2(norm2(x), context); x += ff(norm3(x))</c>: pre-norm self-attention, cross-attention to
/// the encoder hidden states, then the feed-forward network. The LayerNorms use <c>norm_eps</c> (1e-5); <c>attn1</c>/<c>attn2</c>
/// have no q/k/v bias (<c>attention_bias=False</c>). State-dict keys: <c>norm1</c>, <c>attn1</c>, <c>norm2</c>, <c>attn2</c>,
/// <c>norm3</c>, <c>ff</c>.
/// </remarks>
internal sealed class BasicTransformerBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly Attention attn1;
    private readonly LayerNorm norm2;
    private readonly Attention attn2;
    private readonly LayerNorm norm3;
    private readonly FeedForward ff;

    /// <summary>Builds the block.</summary>
    /// <param name="dim">Channels of the token sequence.</param>
    /// <param name="numAttentionHeads">Heads of both attentions.</param>
    /// <param name="attentionHeadDim">Channels per head (<c>dim / heads</c> in SD).</param>
    /// <param name="crossAttentionDim">Channels of the encoder hidden states.</param>
    /// <param name="dropout">Dropout of the attentions and the feed-forward network (training mode only).</param>
    /// <param name="normEps">LayerNorm epsilon.</param>
    internal BasicTransformerBlock(long dim, long numAttentionHeads, long attentionHeadDim, long crossAttentionDim, double dropout = 0.0, double normEps = 1e-5)
        : base(nameof(BasicTransformerBlock))
    {
        norm1 = nn.LayerNorm(dim, normEps);
        attn1 = new Attention(dim, crossAttentionDim: null, heads: numAttentionHeads, dimHead: attentionHeadDim, dropout: dropout);
        norm2 = nn.LayerNorm(dim, normEps);
        attn2 = new Attention(dim, crossAttentionDim: crossAttentionDim, heads: numAttentionHeads, dimHead: attentionHeadDim, dropout: dropout);
        norm3 = nn.LayerNorm(dim, normEps);
        ff = new FeedForward(dim, dropout: dropout);
        RegisterComponents();
    }

    /// <summary>Runs the block.</summary>
    /// <param name="hidden_states">Tokens <c>[B, N, dim]</c>.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c>.</param>
    /// <returns>Tokens <c>[B, N, dim]</c>.</returns>
    public override Tensor forward(Tensor hidden_states, Tensor encoder_hidden_states)
    {
        using var scope = NewDisposeScope();

        // 1. Self-attention
        var norm_hidden_states = norm1.call(hidden_states);
        var attn_output = attn1.call(norm_hidden_states, null);
        hidden_states = attn_output.Plus(hidden_states);

        // 2. Cross-attention
        norm_hidden_states = norm2.call(hidden_states);
        attn_output = attn2.call(norm_hidden_states, encoder_hidden_states);
        hidden_states = attn_output.Plus(hidden_states);

        // 3. Feed-forward
        norm_hidden_states = norm3.call(hidden_states);
        var ff_output = ff.call(norm_hidden_states);
        hidden_states = ff_output.Plus(hidden_states);

        return hidden_states.MoveToOuterDisposeScope();
    }
}
