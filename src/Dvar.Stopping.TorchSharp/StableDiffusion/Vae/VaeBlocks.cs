using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>What every VAE block shares: GroupNorm epsilon 1e-6 and resnets without time embedding.</summary>
internal static class VaeBlocks
{
    /// <summary>The epsilon of every VAE GroupNorm (resnets, mid-block attention, <c>conv_norm_out</c>).</summary>
    public const double NormEps = 1e-6;

    /// <summary>A <see cref="ResnetBlock2D"/> as the VAE builds it: no time embedding, eps 1e-6, no dropout.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="groups">GroupNorm groups.</param>
    /// <returns>The block.</returns>
    public static ResnetBlock2D Resnet(long inChannels, long outChannels, long groups) =>
        new(inChannels, outChannels, tembChannels: null, groups, NormEps);
}
