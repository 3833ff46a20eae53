using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The VAE encoder (diffusers <c>Encoder</c> with <c>double_z</c>): image to the moments <c>[mean, logvar]</c> before <c>quant_conv</c>.</summary>
/// <remarks>
/// <c>conv_in → down_blocks (all but the last downsample) → mid_block → conv_norm_out → SiLU → conv_out</c>;
/// <c>conv_out</c> has <c>2 · latent_channels</c> outputs.
/// </remarks>
internal sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly SiLU conv_act;
    private readonly Conv2d conv_out;

    /// <summary>Builds the encoder.</summary>
    /// <param name="config">A validated config.</param>
    public Encoder(AutoencoderKLConfig config)
        : base(nameof(Encoder))
    {
        var channels = config.BlockOutChannels;
        int groups = config.NormNumGroups;
        conv_in = nn.Conv2d(config.InChannels, channels[0], kernel_size: 3, stride: 1, padding: 1);
        down_blocks = nn.ModuleList(Enumerable.Range(0, channels.Count)
            .Select(i => new DownEncoderBlock2D(
                inChannels: channels[Math.Max(0, i - 1)],
                outChannels: channels[i],
                layers: config.LayersPerBlock,
                groups: groups,
                addDownsample: i < channels.Count - 1))
            .ToArray());
        mid_block = new UNetMidBlock2D(channels[^1], groups);
        conv_norm_out = GroupNorms.Create(groups, channels[^1], VaeBlocks.NormEps);
        conv_act = nn.SiLU();
        conv_out = nn.Conv2d(channels[^1], 2 * config.LatentChannels, kernel_size: 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>Encodes an image.</summary>
    /// <param name="sample">[B, in_channels, H, W].</param>
    /// <returns>[B, 2 · latent_channels, H / f, W / f].</returns>
    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        sample = conv_in.call(sample);
        foreach (var down_block in down_blocks)
        {
            sample = down_block.call(sample);
        }

        sample = mid_block.call(sample);
        sample = conv_norm_out.call(sample);
        sample = conv_act.call(sample);
        sample = conv_out.call(sample);
        return sample.MoveToOuterDisposeScope();
    }
}
