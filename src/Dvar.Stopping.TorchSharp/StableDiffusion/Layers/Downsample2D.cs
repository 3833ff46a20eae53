using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>Downsample2D</c> with <c>use_conv=True</c>: a 3x3 convolution with stride 2, shared by the UNet and the VAE.</summary>
/// <remarks>
/// With <c>padding</c> 0 (the VAE encoder) the input is first zero-padded by one column on the right and one row at the bottom,
/// diffusers' asymmetric <c>F.pad(x, (0, 1, 0, 1))</c>; with padding 1 (the UNet's <c>downsample_padding</c>) the convolution
/// pads symmetrically. H becomes <c>ceil(H / 2)</c> with padding 1 and <c>floor(H / 2)</c> with padding 0 (W likewise). State-dict key:
/// <c>conv</c> (diffusers builds it with <c>name="op"</c>, which stores the convolution as <c>conv</c>).
/// </remarks>
internal sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly long channels;
    private readonly long padding;

    /// <summary>Builds the downsampler.</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="outChannels">Output channels (the same as <paramref name="channels"/> in SD).</param>
    /// <param name="padding">Convolution padding: 1 (UNet) or 0 (VAE encoder, with the asymmetric pad).</param>
    internal Downsample2D(long channels, long outChannels, long padding = 1)
        : base(nameof(Downsample2D))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        this.channels = channels;
        this.padding = padding;
        conv = nn.Conv2d(channels, outChannels, kernel_size: 3, stride: 2, padding: padding);
        RegisterComponents();
    }

    /// <summary>Downsamples a feature map.</summary>
    /// <param name="hidden_states">Feature map <c>[B, channels, H, W]</c>.</param>
    /// <returns>The downsampled feature map.</returns>
    /// <exception cref="ArgumentException">The input does not have <c>channels</c> channels.</exception>
    public override Tensor forward(Tensor hidden_states)
    {
        if (hidden_states.ndim != 4 || hidden_states.shape[1] != channels)
        {
            throw new ArgumentException($"Expected [B, {channels}, H, W], got [{string.Join(", ", hidden_states.shape)}].", nameof(hidden_states));
        }

        using var scope = NewDisposeScope();
        if (padding == 0)
        {
            hidden_states = nn.functional.pad(hidden_states, (0, 1, 0, 1), PaddingModes.Constant, value: 0);
        }

        hidden_states = conv.call(hidden_states);

        return hidden_states.MoveToOuterDisposeScope();
    }
}
