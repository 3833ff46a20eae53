using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>Upsample2D</c> with <c>use_conv=True</c>: nearest-neighbour x2 interpolation, then a 3x3 convolution; shared by the UNet and the VAE.</summary>
/// <remarks>
/// Given an explicit <c>output_size</c> the interpolation produces exactly that size instead of doubling, as diffusers does when a
/// UNet input is not divisible by its downsampling factor (<c>forward_upsample_size</c>). State-dict key: <c>conv</c>.
/// </remarks>
internal sealed class Upsample2D : nn.Module<Tensor, long[]?, Tensor>
{
    private readonly Conv2d conv;
    private readonly long channels;

    /// <summary>Builds the upsampler.</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="outChannels">Output channels (the same as <paramref name="channels"/> in SD).</param>
    internal Upsample2D(long channels, long outChannels)
        : base(nameof(Upsample2D))
    {
        this.channels = channels;
        conv = nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>Upsamples a feature map.</summary>
    /// <param name="hidden_states">Feature map <c>[B, channels, H, W]</c>.</param>
    /// <param name="output_size">The spatial size <c>[H', W']</c> to interpolate to, or null for <c>[2H, 2W]</c>.</param>
    /// <returns>The upsampled feature map.</returns>
    /// <exception cref="ArgumentException">The input does not have <c>channels</c> channels, or <paramref name="output_size"/> is not two positive sizes.</exception>
    public override Tensor forward(Tensor hidden_states, long[]? output_size)
    {
        if (hidden_states.ndim != 4 || hidden_states.shape[1] != channels)
        {
            throw new ArgumentException($"Expected [B, {channels}, H, W], got [{string.Join(", ", hidden_states.shape)}].", nameof(hidden_states));
        }

        if (output_size is not null && (output_size.Length != 2 || output_size.Any(s => s <= 0)))
        {
            throw new ArgumentException($"Expected two positive sizes [H, W], got [{string.Join(", ", output_size)}].", nameof(output_size));
        }

        using var scope = NewDisposeScope();
        if (output_size is null)
        {
            hidden_states = nn.functional.interpolate(hidden_states, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        }
        else
        {
            hidden_states = nn.functional.interpolate(hidden_states, size: output_size, mode: InterpolationMode.Nearest);
        }

        hidden_states = conv.call(hidden_states);

        return hidden_states.MoveToOuterDisposeScope();
    }
}
