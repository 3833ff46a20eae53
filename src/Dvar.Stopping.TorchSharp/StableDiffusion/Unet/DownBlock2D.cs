using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>diffusers' <c>DownBlock2D</c>: resnets, then an optional downsampler; no attention.</summary>
/// <remarks>State-dict keys: <c>resnets.{i}</c>, <c>downsamplers.0.conv</c>. The forward is <see cref="UNetDownBlock.forward"/>; it ignores the encoder hidden states.</remarks>
internal sealed class DownBlock2D : UNetDownBlock
{
    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="numLayers">Number of resnets (<c>layers_per_block</c>).</param>
    /// <param name="addDownsample">Whether a downsampler follows (all but the last down block).</param>
    /// <param name="settings">The block's resnet settings.</param>
    internal DownBlock2D(long inChannels, long outChannels, int numLayers, bool addDownsample, UNetBlockSettings settings)
        : base(nameof(DownBlock2D), inChannels, outChannels, numLayers, addDownsample, settings)
    {
        RegisterComponents();
    }

    /// <inheritdoc/>
    private protected override Tensor Attend(int index, Tensor hidden_states, Tensor encoder_hidden_states) => hidden_states;
}
