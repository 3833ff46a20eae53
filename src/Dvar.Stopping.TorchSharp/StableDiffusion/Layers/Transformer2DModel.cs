using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>Transformer2DModel</c> for continuous inputs: a feature map attended as a token sequence, plus the input.</summary>
/// <remarks>
/// <c>out = x + proj_out(blocks(proj_in(norm(x))))</c>, where <c>norm</c> is a GroupNorm with eps 1e-6 and the map
/// <c>[B, C, H, W]</c> becomes the sequence <c>[B, H·W, C]</c> for the blocks. <c>proj_in</c>/<c>proj_out</c> are 1x1
/// convolutions (applied before flattening / after unflattening), or Linear layers on the sequence when
/// <c>use_linear_projection</c> (SD 2.x); SD1.5 uses convolutions. State-dict keys: <c>norm</c>, <c>proj_in</c>,
/// <c>transformer_blocks.{i}</c>, <c>proj_out</c>.
/// </remarks>
internal sealed class Transformer2DModel : nn.Module<Tensor, Tensor, Tensor>
{
    private const double NormEps = 1e-6;

    private readonly GroupNorm norm;
    private readonly nn.Module<Tensor, Tensor> proj_in;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    private readonly nn.Module<Tensor, Tensor> proj_out;
    private readonly bool use_linear_projection;

    /// <summary>Builds the transformer.</summary>
    /// <param name="numAttentionHeads">Heads per attention.</param>
    /// <param name="attentionHeadDim">Channels per head; the inner dimension is their product.</param>
    /// <param name="inChannels">Channels of the feature map (also the output channels).</param>
    /// <param name="numLayers">Number of <see cref="BasicTransformerBlock"/>s (<c>transformer_layers_per_block</c>).</param>
    /// <param name="crossAttentionDim">Channels of the encoder hidden states.</param>
    /// <param name="normNumGroups">Groups of <c>norm</c>.</param>
    /// <param name="useLinearProjection">Linear instead of 1x1 convolution projections.</param>
    /// <param name="dropout">Dropout inside the blocks (training mode only).</param>
    internal Transformer2DModel(
        long numAttentionHeads,
        long attentionHeadDim,
        long inChannels,
        long numLayers,
        long crossAttentionDim,
        long normNumGroups,
        bool useLinearProjection,
        double dropout = 0.0)
        : base(nameof(Transformer2DModel))
    {
        long inner_dim = numAttentionHeads * attentionHeadDim;
        use_linear_projection = useLinearProjection;
        norm = GroupNorms.Create(normNumGroups, inChannels, NormEps);
        proj_in = useLinearProjection
            ? nn.Linear(inChannels, inner_dim)
            : nn.Conv2d(inChannels, inner_dim, kernel_size: 1);
        transformer_blocks = nn.ModuleList(Enumerable.Range(0, checked((int)numLayers))
            .Select(_ => new BasicTransformerBlock(inner_dim, numAttentionHeads, attentionHeadDim, crossAttentionDim, dropout))
            .ToArray());
        proj_out = useLinearProjection
            ? nn.Linear(inner_dim, inChannels)
            : nn.Conv2d(inner_dim, inChannels, kernel_size: 1);
        RegisterComponents();
    }

    /// <summary>Runs the transformer.</summary>
    /// <param name="hidden_states">Feature map <c>[B, C, H, W]</c>.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c>.</param>
    /// <returns>Feature map <c>[B, C, H, W]</c> (including the residual).</returns>
    public override Tensor forward(Tensor hidden_states, Tensor encoder_hidden_states)
    {
        using var scope = NewDisposeScope();

        // 1. Input
        long batch_size = hidden_states.shape[0], height = hidden_states.shape[2], width = hidden_states.shape[3];
        var residual = hidden_states;
        hidden_states = norm.call(hidden_states);
        long inner_dim;
        if (!use_linear_projection)
        {
            hidden_states = proj_in.call(hidden_states);
            inner_dim = hidden_states.shape[1];
            hidden_states = hidden_states.permute(0, 2, 3, 1).reshape(batch_size, height * width, inner_dim);
        }
        else
        {
            inner_dim = hidden_states.shape[1];
            hidden_states = hidden_states.permute(0, 2, 3, 1).reshape(batch_size, height * width, inner_dim);
            hidden_states = proj_in.call(hidden_states);
        }

        // 2. Blocks
        foreach (var block in transformer_blocks)
        {
            hidden_states = block.call(hidden_states, encoder_hidden_states);
        }

        // 3. Output
        if (!use_linear_projection)
        {
            hidden_states = hidden_states.reshape(batch_size, height, width, inner_dim).permute(0, 3, 1, 2).contiguous();
            hidden_states = proj_out.call(hidden_states);
        }
        else
        {
            hidden_states = proj_out.call(hidden_states);
            hidden_states = hidden_states.reshape(batch_size, height, width, inner_dim).permute(0, 3, 1, 2).contiguous();
        }

        var output = hidden_states.Plus(residual);
        return output.MoveToOuterDisposeScope();
    }
}
