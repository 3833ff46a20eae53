using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>diffusers' <c>CrossAttnUpBlock2D</c>: (resnet, transformer) pairs on <c>[hidden_states | skip]</c>, then an optional upsampler.</summary>
/// <remarks>State-dict keys: <c>attentions.{i}</c>, <c>resnets.{i}</c>, <c>upsamplers.0.conv</c>. The forward is <see cref="UNetUpBlock.forward"/>.</remarks>
internal sealed class CrossAttnUpBlock2D : UNetUpBlock
{
    private readonly ModuleList<Transformer2DModel> attentions;

    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Channels of the skip connection of the last resnet.</param>
    /// <param name="prevOutputChannel">Channels of the incoming hidden states.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="numLayers">Number of (resnet, transformer) pairs (<c>layers_per_block + 1</c>).</param>
    /// <param name="addUpsample">Whether an upsampler follows (all but the last up block).</param>
    /// <param name="settings">The block's resnet and transformer settings.</param>
    internal CrossAttnUpBlock2D(long inChannels, long prevOutputChannel, long outChannels, int numLayers, bool addUpsample, UNetBlockSettings settings)
        : base(nameof(CrossAttnUpBlock2D), inChannels, prevOutputChannel, outChannels, numLayers, addUpsample, settings)
    {
        attentions = nn.ModuleList(Enumerable.Range(0, numLayers).Select(_ => settings.Transformer(outChannels)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc/>
    private protected override Tensor Attend(int index, Tensor hidden_states, Tensor encoder_hidden_states) =>
        attentions[index].call(hidden_states, encoder_hidden_states);
}
