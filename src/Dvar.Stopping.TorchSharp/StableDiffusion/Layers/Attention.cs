using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>
/// diffusers' <c>Attention</c> run by its default processor (<c>AttnProcessor2_0</c>): multi-head scaled dot-product attention,
/// self-attention or cross-attention, shared by the UNet transformer blocks (<c>attn1</c>, <c>attn2</c>) and the VAE mid block.
/// </summary>
/// <remarks>
/// <para>
/// <c>softmax(Q Kᵀ · dim_head^-0.5) V</c> per head, with <c>Q = to_q(x)</c>, <c>K = to_k(c)</c>, <c>V = to_v(c)</c>, the context
/// <c>c</c> being the encoder hidden states, or <c>x</c> itself when they are null; then <c>to_out.0</c> (Linear) and
/// <c>to_out.1</c> (Dropout). A 4-D input <c>[B, C, H, W]</c> is attended as the sequence <c>[B, H·W, C]</c> and returned in its
/// shape. The VAE mode adds a <c>group_norm</c> before the projections, the residual and <c>rescale_output_factor</c>.
/// State-dict keys: <c>group_norm</c>, <c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c>. diffusers' <c>upcast_attention</c> /
/// <c>upcast_softmax</c> flags have no effect under its default processor, so they are not parameters here.
/// </para>
/// <para>
/// Adapting a projection (LoRA, Custom Diffusion): the four projections are <see cref="Projection"/>s, registered once and never
/// swapped; a method puts an adapter into a projection's slot (<see cref="GetProjection"/>, <see cref="Projection.Attach"/>),
/// so the keys <c>to_q</c>, ..., <c>to_out.0</c> stay where they are and an adapter's own parameters appear under the
/// projection (e.g. <c>to_q.lora.down.weight</c>). The key and value projections receive the context, so an adapter of
/// <c>to_k</c>/<c>to_v</c> of <c>attn2</c> sees the text encoder states <c>[B, L, cross_attention_dim]</c> and returns
/// <c>[B, L, inner_dim]</c> (e.g. to detach token 0 as Custom Diffusion does).
/// </para>
/// </remarks>
internal sealed class Attention : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly GroupNorm? group_norm;

    private readonly Projection to_q;
    private readonly Projection to_k;
    private readonly Projection to_v;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;

    private readonly long heads;
    private readonly long query_dim;
    private readonly long cross_attention_dim;
    private readonly bool residual_connection;
    private readonly double rescale_output_factor;

    /// <summary>Builds the attention module.</summary>
    /// <param name="queryDim">Channels of the hidden states (queries) and of the output.</param>
    /// <param name="crossAttentionDim">Channels of the encoder hidden states (keys/values); null for self-attention (= <paramref name="queryDim"/>).</param>
    /// <param name="heads">Number of heads.</param>
    /// <param name="dimHead">Channels per head; the inner dimension is <c>heads · dim_head</c>.</param>
    /// <param name="dropout">Dropout after <c>to_out.0</c> (training mode only).</param>
    /// <param name="bias">Whether <c>to_q</c>, <c>to_k</c>, <c>to_v</c> have a bias (UNet: false; VAE: true).</param>
    /// <param name="outBias">Whether <c>to_out.0</c> has a bias (true in SD).</param>
    /// <param name="normNumGroups">Groups of a <c>group_norm</c> applied to the input first (VAE: 32), or null for none (UNet).</param>
    /// <param name="eps">Epsilon of that <c>group_norm</c> (VAE: 1e-6).</param>
    /// <param name="residualConnection">Whether the input is added to the output (VAE: true).</param>
    /// <param name="rescaleOutputFactor">The output (after the residual) is divided by this (1 in SD).</param>
    internal Attention(
        long queryDim,
        long? crossAttentionDim = null,
        long heads = 8,
        long dimHead = 64,
        double dropout = 0.0,
        bool bias = false,
        bool outBias = true,
        long? normNumGroups = null,
        double eps = 1e-5,
        bool residualConnection = false,
        double rescaleOutputFactor = 1.0)
        : base(nameof(Attention))
    {
        long inner_dim = dimHead * heads;
        query_dim = queryDim;
        cross_attention_dim = crossAttentionDim ?? queryDim;
        this.heads = heads;
        residual_connection = residualConnection;
        rescale_output_factor = rescaleOutputFactor;

        group_norm = normNumGroups is long groups ? GroupNorms.Create(groups, queryDim, eps) : null;
        to_q = new Projection(queryDim, inner_dim, hasBias: bias);
        to_k = new Projection(cross_attention_dim, inner_dim, hasBias: bias);
        to_v = new Projection(cross_attention_dim, inner_dim, hasBias: bias);
        to_out = nn.ModuleList<nn.Module<Tensor, Tensor>>(new Projection(inner_dim, queryDim, hasBias: outBias), nn.Dropout(dropout));
        RegisterComponents();
    }

    /// <summary>Attends.</summary>
    /// <param name="hidden_states">Queries <c>[B, N, query_dim]</c>, or a feature map <c>[B, query_dim, H, W]</c>.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c> for cross-attention, or null for self-attention.</param>
    /// <returns>The output, in the shape of <paramref name="hidden_states"/>.</returns>
    /// <exception cref="ArgumentException">A shape does not fit the module.</exception>
    public override Tensor forward(Tensor hidden_states, Tensor? encoder_hidden_states)
    {
        CheckShapes(hidden_states, encoder_hidden_states);
        using var scope = NewDisposeScope();
        var residual = hidden_states;

        long input_ndim = hidden_states.ndim;
        long batch_size = hidden_states.shape[0], channel = 0, height = 0, width = 0;
        if (input_ndim == 4)
        {
            (channel, height, width) = (hidden_states.shape[1], hidden_states.shape[2], hidden_states.shape[3]);
            hidden_states = hidden_states.view(batch_size, channel, height * width).transpose(1, 2);
        }

        if (group_norm is not null)
        {
            hidden_states = group_norm.call(hidden_states.transpose(1, 2)).transpose(1, 2);
        }

        var query = to_q.call(hidden_states);

        encoder_hidden_states ??= hidden_states;

        var key = to_k.call(encoder_hidden_states);
        var value = to_v.call(encoder_hidden_states);

        long inner_dim = key.shape[^1];
        long head_dim = inner_dim / heads;

        query = query.view(batch_size, -1, heads, head_dim).transpose(1, 2);
        key = key.view(batch_size, -1, heads, head_dim).transpose(1, 2);
        value = value.view(batch_size, -1, heads, head_dim).transpose(1, 2);

        hidden_states = nn.functional.scaled_dot_product_attention(query, key, value);

        hidden_states = hidden_states.transpose(1, 2).reshape(batch_size, -1, heads * head_dim);
        hidden_states = hidden_states.to(query.dtype);

        hidden_states = to_out[0].call(hidden_states);
        hidden_states = to_out[1].call(hidden_states);

        if (input_ndim == 4)
        {
            hidden_states = hidden_states.transpose(-1, -2).reshape(batch_size, channel, height, width);
        }

        if (residual_connection)
        {
            hidden_states = hidden_states.Plus(residual);
        }

        hidden_states = hidden_states.DividedBy(rescale_output_factor);

        return hidden_states.MoveToOuterDisposeScope();
    }

    /// <summary>Returns one of the projections, whose slot takes an adapter.</summary>
    /// <param name="projection">Which projection.</param>
    /// <returns>The projection (<c>to_q</c>, <c>to_k</c>, <c>to_v</c> or <c>to_out.0</c>).</returns>
    internal Projection GetProjection(AttentionProjection projection) => projection switch
    {
        AttentionProjection.Query => to_q,
        AttentionProjection.Key => to_k,
        AttentionProjection.Value => to_v,
        AttentionProjection.Output => (Projection)to_out[0],
        _ => throw new ArgumentOutOfRangeException(nameof(projection), projection, "Expected Query, Key, Value or Output."),
    };

    private void CheckShapes(Tensor hidden_states, Tensor? encoder_hidden_states)
    {
        bool spatial = hidden_states.ndim == 4;
        long channels = spatial ? hidden_states.shape[1] : hidden_states.shape[^1];
        if ((hidden_states.ndim != 3 && !spatial) || channels != query_dim)
        {
            throw new ArgumentException(
                $"Expected [B, N, {query_dim}] or [B, {query_dim}, H, W], got [{string.Join(", ", hidden_states.shape)}].",
                nameof(hidden_states));
        }

        if (encoder_hidden_states is not null
            && (encoder_hidden_states.ndim != 3 || encoder_hidden_states.shape[0] != hidden_states.shape[0] || encoder_hidden_states.shape[2] != cross_attention_dim))
        {
            throw new ArgumentException(
                $"Expected [{hidden_states.shape[0]}, L, {cross_attention_dim}], got [{string.Join(", ", encoder_hidden_states.shape)}].",
                nameof(encoder_hidden_states));
        }
    }
}
