namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>Builds UNet blocks from their parsed types (diffusers' <c>get_down_block</c> / <c>get_up_block</c>).</summary>
internal static class UNetBlockFactory
{
    /// <summary>Builds a down block.</summary>
    /// <param name="type">The block type.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="numLayers">Resnets (and transformers) in the block.</param>
    /// <param name="addDownsample">Whether a downsampler follows.</param>
    /// <param name="settings">Resolved settings of the block.</param>
    /// <returns>The block: <c>(hidden_states, temb, encoder_hidden_states) -&gt; (hidden_states, skip connections)</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined block type.</exception>
    internal static UNetDownBlock Down(
        UNetDownBlockType type, long inChannels, long outChannels, int numLayers, bool addDownsample, UNetBlockSettings settings) => type switch
        {
            UNetDownBlockType.CrossAttnDownBlock2D => new CrossAttnDownBlock2D(inChannels, outChannels, numLayers, addDownsample, settings),
            UNetDownBlockType.DownBlock2D => new DownBlock2D(inChannels, outChannels, numLayers, addDownsample, settings),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"Expected one of: {DiffusersNameJsonConverter<UNetDownBlockType>.AcceptedNames}."),
        };

    /// <summary>Builds an up block.</summary>
    /// <param name="type">The block type.</param>
    /// <param name="inChannels">Channels of the last resnet's skip connection.</param>
    /// <param name="prevOutputChannel">Channels of the incoming hidden states.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="numLayers">Resnets (and transformers) in the block.</param>
    /// <param name="addUpsample">Whether an upsampler follows.</param>
    /// <param name="settings">Resolved settings of the block.</param>
    /// <returns>The block: <c>(hidden_states, skip connections, temb, encoder_hidden_states) -&gt; hidden_states</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined block type.</exception>
    internal static UNetUpBlock Up(
        UNetUpBlockType type, long inChannels, long prevOutputChannel, long outChannels, int numLayers, bool addUpsample, UNetBlockSettings settings) => type switch
        {
            UNetUpBlockType.UpBlock2D => new UpBlock2D(inChannels, prevOutputChannel, outChannels, numLayers, addUpsample, settings),
            UNetUpBlockType.CrossAttnUpBlock2D => new CrossAttnUpBlock2D(inChannels, prevOutputChannel, outChannels, numLayers, addUpsample, settings),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"Expected one of: {DiffusersNameJsonConverter<UNetUpBlockType>.AcceptedNames}."),
        };
}
