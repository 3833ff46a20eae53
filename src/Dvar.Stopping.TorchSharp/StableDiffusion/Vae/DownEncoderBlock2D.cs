using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>diffusers' <c>DownEncoderBlock2D</c>: resnets, then optionally a stride-2 downsampler (keys <c>resnets.{j}</c>, <c>downsamplers.0.conv</c>).</summary>
/// <remarks>The downsampler uses padding 0 after diffusers' asymmetric zero pad of one column right and one row below.</remarks>
internal sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="layers">Number of resnets.</param>
    /// <param name="groups">GroupNorm groups.</param>
    /// <param name="addDownsample">Whether to halve the resolution at the end (all but the last encoder block).</param>
    public DownEncoderBlock2D(long inChannels, long outChannels, int layers, long groups, bool addDownsample)
        : base(nameof(DownEncoderBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => VaeBlocks.Resnet(i == 0 ? inChannels : outChannels, outChannels, groups))
            .ToArray());
        downsamplers = addDownsample ? nn.ModuleList(new Downsample2D(outChannels, outChannels, padding: 0)) : null;
        RegisterComponents();
    }

    /// <summary>Runs the resnets and the downsampler.</summary>
    /// <param name="hidden_states">[B, in, H, W].</param>
    /// <returns>[B, out, H, W], or [B, out, H/2, W/2] with a downsampler.</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        foreach (var resnet in resnets)
        {
            hidden_states = resnet.call(hidden_states, null);
        }

        if (downsamplers is not null)
        {
            foreach (var downsampler in downsamplers)
            {
                hidden_states = downsampler.call(hidden_states);
            }
        }

        return hidden_states.MoveToOuterDisposeScope();
    }
}
