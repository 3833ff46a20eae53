using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>
/// What diffusers' <c>UpBlock2D</c> and <c>CrossAttnUpBlock2D</c> share: resnets on <c>[hidden_states | skip]</c> concatenated
/// along channels, each optionally followed by an attention (<see cref="Attend"/>), then an optional upsampler; the one forward
/// path of both.
/// </summary>
/// <remarks>
/// Each resnet takes the last remaining skip connection (last in, first out). Resnet <c>i</c> has
/// <c>(i == 0 ? prev_output_channel : out_channels) + (i == last ? in_channels : out_channels)</c> input channels. The fields
/// here (<c>resnets</c>, <c>upsamplers</c>) register after those of the derived block; its constructor calls <c>RegisterComponents</c>.
/// </remarks>
internal abstract class UNetUpBlock : nn.Module<Tensor, Tensor[], Tensor, Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Builds the resnets and the upsampler.</summary>
    /// <param name="name">The module name.</param>
    /// <param name="inChannels">Channels of the skip connection of the last resnet (the next-lower down block's input channels).</param>
    /// <param name="prevOutputChannel">Channels of the incoming hidden states.</param>
    /// <param name="outChannels">Output channels (also the channels of the other skip connections).</param>
    /// <param name="numLayers">Number of resnets (<c>layers_per_block + 1</c>).</param>
    /// <param name="addUpsample">Whether an upsampler follows (all but the last up block).</param>
    /// <param name="settings">The block's settings.</param>
    private protected UNetUpBlock(string name, long inChannels, long prevOutputChannel, long outChannels, int numLayers, bool addUpsample, UNetBlockSettings settings)
        : base(name)
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers).Select(i =>
        {
            long res_skip_channels = i == numLayers - 1 ? inChannels : outChannels;
            long resnet_in_channels = i == 0 ? prevOutputChannel : outChannels;
            return settings.Resnet(resnet_in_channels + res_skip_channels, outChannels);
        }).ToArray());
        upsamplers = addUpsample ? nn.ModuleList(new Upsample2D(outChannels, outChannels)) : null;
    }

    /// <summary>How many skip connections the block consumes: one per resnet.</summary>
    internal int ResnetCount => resnets.Count;

    /// <summary>Runs the block.</summary>
    /// <param name="hidden_states">Feature map <c>[B, prev_output_channel, H, W]</c>.</param>
    /// <param name="res_hidden_states_tuple">The skip connections for this block, one per resnet, consumed from the end.</param>
    /// <param name="temb">Time embedding <c>[B, temb_channels]</c>.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c> (ignored by blocks without attention).</param>
    /// <returns>Feature map <c>[B, out_channels, 2H, 2W]</c> (or <c>[B, out_channels, H, W]</c> without upsampler).</returns>
    /// <exception cref="ArgumentException">The number of skip connections is not the number of resnets.</exception>
    public sealed override Tensor forward(Tensor hidden_states, Tensor[] res_hidden_states_tuple, Tensor temb, Tensor encoder_hidden_states)
    {
        ArgumentNullException.ThrowIfNull(res_hidden_states_tuple);
        if (res_hidden_states_tuple.Length != resnets.Count)
        {
            throw new ArgumentException($"Expected {resnets.Count} skip connections (one per resnet), got {res_hidden_states_tuple.Length}.", nameof(res_hidden_states_tuple));
        }

        using var scope = NewDisposeScope();

        for (int i = 0; i < resnets.Count; i++)
        {
            // pop res hidden states
            var res_hidden_states = res_hidden_states_tuple[^1];
            res_hidden_states_tuple = res_hidden_states_tuple[..^1];

            hidden_states = cat([hidden_states, res_hidden_states], dim: 1);

            hidden_states = resnets[i].call(hidden_states, temb);
            hidden_states = Attend(i, hidden_states, encoder_hidden_states);
        }

        if (upsamplers is not null)
        {
            foreach (var upsampler in upsamplers)
            {
                hidden_states = upsampler.call(hidden_states, null);
            }
        }

        return hidden_states.MoveToOuterDisposeScope();
    }

    /// <summary>The attention after resnet <paramref name="index"/>; blocks without attention return the hidden states unchanged.</summary>
    /// <param name="index">The resnet index.</param>
    /// <param name="hidden_states">The resnet's output.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c>.</param>
    /// <returns>The attention output.</returns>
    private protected abstract Tensor Attend(int index, Tensor hidden_states, Tensor encoder_hidden_states);
}
