using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>diffusers' <c>UNetMidBlock2DCrossAttn</c>: a resnet, then (transformer, resnet) pairs, at the lowest resolution.</summary>
/// <remarks>
/// The resnets divide their output by <c>mid_block_scale_factor</c>. State-dict keys: <c>attentions.{i}</c>, <c>resnets.{i}</c>
/// (one more resnet than transformers: SD has <c>attentions.0</c> and <c>resnets.0</c>, <c>resnets.1</c>).
/// </remarks>
internal sealed class UNetMidBlock2DCrossAttn : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly ModuleList<Transformer2DModel> attentions;
    private readonly ModuleList<ResnetBlock2D> resnets;

    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Channels in and out (<c>block_out_channels[-1]</c>).</param>
    /// <param name="settings">The block's resnet and transformer settings.</param>
    /// <param name="outputScaleFactor">The resnets' output divisor (<c>mid_block_scale_factor</c>).</param>
    /// <param name="numLayers">Number of (transformer, resnet) pairs after the first resnet.</param>
    internal UNetMidBlock2DCrossAttn(long inChannels, UNetBlockSettings settings, double outputScaleFactor, int numLayers = 1)
        : base(nameof(UNetMidBlock2DCrossAttn))
    {
        attentions = nn.ModuleList(Enumerable.Range(0, numLayers).Select(_ => settings.Transformer(inChannels)).ToArray());
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers + 1).Select(_ => settings.Resnet(inChannels, inChannels, outputScaleFactor)).ToArray());
        RegisterComponents();
    }

    /// <summary>Runs the block.</summary>
    /// <param name="hidden_states">Feature map <c>[B, C, H, W]</c>.</param>
    /// <param name="temb">Time embedding <c>[B, temb_channels]</c>.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c>.</param>
    /// <returns>Feature map <c>[B, C, H, W]</c>.</returns>
    public override Tensor forward(Tensor hidden_states, Tensor temb, Tensor encoder_hidden_states)
    {
        using var scope = NewDisposeScope();

        hidden_states = resnets[0].call(hidden_states, temb);
        foreach (var (attn, resnet) in attentions.Zip(resnets.Skip(1)))
        {
            hidden_states = attn.call(hidden_states, encoder_hidden_states);
            hidden_states = resnet.call(hidden_states, temb);
        }

        return hidden_states.MoveToOuterDisposeScope();
    }
}
