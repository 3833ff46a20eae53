using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>diffusers' <c>UpDecoderBlock2D</c>: resnets, then optionally a nearest x2 upsampler (keys <c>resnets.{j}</c>, <c>upsamplers.0.conv</c>).</summary>
internal sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="layers">Number of resnets (the VAE config's <c>layers_per_block + 1</c>).</param>
    /// <param name="groups">GroupNorm groups.</param>
    /// <param name="addUpsample">Whether to double the resolution at the end (all but the last decoder block).</param>
    public UpDecoderBlock2D(long inChannels, long outChannels, int layers, long groups, bool addUpsample)
        : base(nameof(UpDecoderBlock2D))
    {
        resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => VaeBlocks.Resnet(i == 0 ? inChannels : outChannels, outChannels, groups))
            .ToArray());
        upsamplers = addUpsample ? nn.ModuleList(new Upsample2D(outChannels, outChannels)) : null;
        RegisterComponents();
    }

    /// <summary>Runs the resnets and the upsampler.</summary>
    /// <param name="hidden_states">[B, in, H, W].</param>
    /// <returns>[B, out, H, W], or [B, out, 2H, 2W] with an upsampler.</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        foreach (var resnet in resnets)
        {
            hidden_states = resnet.call(hidden_states, null);
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
}
