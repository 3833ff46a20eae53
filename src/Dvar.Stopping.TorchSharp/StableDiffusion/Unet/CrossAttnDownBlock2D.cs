using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>diffusers' <c>CrossAttnDownBlock2D</c>: (resnet, transformer) pairs, then an optional downsampler.</summary>
/// <remarks>State-dict keys: <c>attentions.{i}</c>, <c>resnets.{i}</c>, <c>downsamplers.0.conv</c>. The forward is <see cref="UNetDownBlock.forward"/>.</remarks>
internal sealed class CrossAttnDownBlock2D : UNetDownBlock
{
    private readonly ModuleList<Transformer2DModel> attentions;

    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="numLayers">Number of (resnet, transformer) pairs (<c>layers_per_block</c>).</param>
    /// <param name="addDownsample">Whether a downsampler follows (all but the last down block).</param>
    /// <param name="settings">The block's resnet and transformer settings.</param>
    internal CrossAttnDownBlock2D(long inChannels, long outChannels, int numLayers, bool addDownsample, UNetBlockSettings settings)
        : base(nameof(CrossAttnDownBlock2D), inChannels, outChannels, numLayers, addDownsample, settings)
    {
        attentions = nn.ModuleList(Enumerable.Range(0, numLayers).Select(_ => settings.Transformer(outChannels)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc/>
    private protected override Tensor Attend(int index, Tensor hidden_states, Tensor encoder_hidden_states) =>
        attentions[index].call(hidden_states, encoder_hidden_states);
}
