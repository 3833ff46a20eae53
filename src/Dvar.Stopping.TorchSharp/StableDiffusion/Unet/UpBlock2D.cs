using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>diffusers' <c>UpBlock2D</c>: resnets on <c>[hidden_states | skip]</c>, then an optional upsampler; no attention.</summary>
/// <remarks>State-dict keys: <c>resnets.{i}</c>, <c>upsamplers.0.conv</c>. The forward is <see cref="UNetUpBlock.forward"/>; it ignores the encoder hidden states.</remarks>
internal sealed class UpBlock2D : UNetUpBlock
{
    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Channels of the skip connection of the last resnet.</param>
    /// <param name="prevOutputChannel">Channels of the incoming hidden states.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="numLayers">Number of resnets (<c>layers_per_block + 1</c>).</param>
    /// <param name="addUpsample">Whether an upsampler follows (all but the last up block).</param>
    /// <param name="settings">The block's resnet settings.</param>
    internal UpBlock2D(long inChannels, long prevOutputChannel, long outChannels, int numLayers, bool addUpsample, UNetBlockSettings settings)
        : base(nameof(UpBlock2D), inChannels, prevOutputChannel, outChannels, numLayers, addUpsample, settings)
    {
        RegisterComponents();
    }

    /// <inheritdoc/>
    private protected override Tensor Attend(int index, Tensor hidden_states, Tensor encoder_hidden_states) => hidden_states;
}
