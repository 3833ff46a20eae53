using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>
/// What diffusers' <c>DownBlock2D</c> and <c>CrossAttnDownBlock2D</c> share: resnets, each optionally followed by an attention
/// (<see cref="Attend"/>), then an optional downsampler; the one forward path of both.
/// </summary>
/// <remarks>
/// Returns the final hidden states and every intermediate output (after each resnet/attention and after the downsampler): the
/// skip connections the up blocks consume. The fields here (<c>resnets</c>, <c>downsamplers</c>) register after those of the
/// derived block, as in diffusers, where <c>attentions</c> comes first; the derived constructor calls <c>RegisterComponents</c>.
/// </remarks>
internal abstract class UNetDownBlock : nn.Module<Tensor, Tensor, Tensor, (Tensor HiddenStates, Tensor[] OutputStates)>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Builds the resnets and the downsampler.</summary>
    /// <param name="name">The module name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="numLayers">Number of resnets (<c>layers_per_block</c>).</param>
    /// <param name="addDownsample">Whether a downsampler follows (all but the last down block).</param>
    /// <param name="settings">The block's settings.</param>
    private protected UNetDownBlock(string name, long inChannels, long outChannels, int numLayers, bool addDownsample, UNetBlockSettings settings)
        : base(name)
    {
        resnets = nn.ModuleList(Enumerable.Range(0, numLayers).Select(i => settings.Resnet(i == 0 ? inChannels : outChannels, outChannels)).ToArray());
        downsamplers = addDownsample ? nn.ModuleList(new Downsample2D(outChannels, outChannels, settings.DownsamplePadding)) : null;
    }

    /// <summary>Runs the block.</summary>
    /// <param name="hidden_states">Feature map <c>[B, in_channels, H, W]</c>.</param>
    /// <param name="temb">Time embedding <c>[B, temb_channels]</c>.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c> (ignored by blocks without attention).</param>
    /// <returns>The block output and the skip connections, in order.</returns>
    public sealed override (Tensor HiddenStates, Tensor[] OutputStates) forward(Tensor hidden_states, Tensor temb, Tensor encoder_hidden_states)
    {
        using var scope = NewDisposeScope();
        var output_states = new List<Tensor>();

        for (int i = 0; i < resnets.Count; i++)
        {
            hidden_states = resnets[i].call(hidden_states, temb);
            hidden_states = Attend(i, hidden_states, encoder_hidden_states);

            output_states.Add(hidden_states);
        }

        if (downsamplers is not null)
        {
            foreach (var downsampler in downsamplers)
            {
                hidden_states = downsampler.call(hidden_states);
            }

            output_states.Add(hidden_states);
        }

        scope.MoveToOuter(output_states);
        return (hidden_states, output_states.ToArray());
    }

    /// <summary>The attention after resnet <paramref name="index"/>; blocks without attention return the hidden states unchanged.</summary>
    /// <param name="index">The resnet index.</param>
    /// <param name="hidden_states">The resnet's output.</param>
    /// <param name="encoder_hidden_states">Context <c>[B, L, cross_attention_dim]</c>.</param>
    /// <returns>The attention output.</returns>
    private protected abstract Tensor Attend(int index, Tensor hidden_states, Tensor encoder_hidden_states);
}
