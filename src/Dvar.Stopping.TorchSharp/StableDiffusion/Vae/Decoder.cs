using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The VAE decoder (diffusers <c>Decoder</c>): latents after <c>post_quant_conv</c> to an image.</summary>
/// <remarks>
/// <c>conv_in → mid_block → up_blocks (reversed channels, layers_per_block + 1 resnets, all but the last upsample) →
/// conv_norm_out → SiLU → conv_out</c>. Keys follow diffusers' registration order: <c>conv_in</c>, <c>up_blocks</c>, <c>mid_block</c>,
/// <c>conv_norm_out</c>, <c>conv_out</c>.
/// </remarks>
internal sealed class Decoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly SiLU conv_act;
    private readonly Conv2d conv_out;

    /// <summary>Builds the decoder.</summary>
    /// <param name="config">A validated config.</param>
    public Decoder(AutoencoderKLConfig config)
        : base(nameof(Decoder))
    {
        var reversed = config.BlockOutChannels.Reverse().ToArray();
        int groups = config.NormNumGroups;
        conv_in = nn.Conv2d(config.LatentChannels, reversed[0], kernel_size: 3, stride: 1, padding: 1);
        up_blocks = nn.ModuleList(Enumerable.Range(0, reversed.Length)
            .Select(i => new UpDecoderBlock2D(
                inChannels: reversed[Math.Max(0, i - 1)],
                outChannels: reversed[i],
                layers: config.LayersPerBlock + 1,
                groups: groups,
                addUpsample: i < reversed.Length - 1))
            .ToArray());
        mid_block = new UNetMidBlock2D(reversed[0], groups);
        conv_norm_out = GroupNorms.Create(groups, reversed[^1], VaeBlocks.NormEps);
        conv_act = nn.SiLU();
        conv_out = nn.Conv2d(reversed[^1], config.OutChannels, kernel_size: 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>Decodes latents.</summary>
    /// <param name="sample">[B, latent_channels, h, w] (after <c>post_quant_conv</c>).</param>
    /// <returns>[B, out_channels, h · f, w · f].</returns>
    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        sample = conv_in.call(sample);
        sample = mid_block.call(sample);
        foreach (var up_block in up_blocks)
        {
            sample = up_block.call(sample);
        }

        sample = conv_norm_out.call(sample);
        sample = conv_act.call(sample);
        sample = conv_out.call(sample);
        return sample.MoveToOuterDisposeScope();
    }
}
