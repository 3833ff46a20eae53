using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The VAE's mid block, diffusers' <c>UNetMidBlock2D</c> without time embedding: resnet, attention, resnet.</summary>
/// <remarks>
/// The attention is single-head spatial self-attention over <c>[B, H·W, C]</c> (head size C) with its own GroupNorm (eps 1e-6),
/// biased <c>to_q/to_k/to_v/to_out.0</c> and a residual. Keys: <c>attentions.0.*</c> then <c>resnets.{0,1}.*</c> (diffusers registers
/// the attentions first).
/// </remarks>
internal sealed class UNetMidBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Attention> attentions;
    private readonly ModuleList<ResnetBlock2D> resnets;

    /// <summary>Builds the block.</summary>
    /// <param name="channels">Channels in and out.</param>
    /// <param name="groups">GroupNorm groups.</param>
    public UNetMidBlock2D(long channels, long groups)
        : base(nameof(UNetMidBlock2D))
    {
        attentions = nn.ModuleList(new Attention(
            queryDim: channels,
            heads: 1,
            dimHead: channels,
            bias: true,
            normNumGroups: groups,
            eps: VaeBlocks.NormEps,
            residualConnection: true));
        resnets = nn.ModuleList(VaeBlocks.Resnet(channels, channels, groups), VaeBlocks.Resnet(channels, channels, groups));
        RegisterComponents();
    }

    /// <summary>Runs <c>resnets[0] → attentions[0] → resnets[1]</c>.</summary>
    /// <param name="hidden_states">[B, C, H, W].</param>
    /// <returns>[B, C, H, W].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        hidden_states = resnets[0].call(hidden_states, null);
        hidden_states = attentions[0].call(hidden_states, null);
        hidden_states = resnets[1].call(hidden_states, null);
        return hidden_states.MoveToOuterDisposeScope();
    }
}
