using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>The settings diffusers' <c>get_down_block</c> / <c>get_up_block</c> / <c>get_mid_block</c> pass to one UNet block, resolved for that block.</summary>
internal sealed record UNetBlockSettings
{
    /// <summary>Time embedding channels of the resnets (<c>temb_channels</c>).</summary>
    public required long TembChannels { get; init; }

    /// <summary>GroupNorm epsilon of the resnets (<c>resnet_eps</c> = <c>norm_eps</c>).</summary>
    public required double ResnetEps { get; init; }

    /// <summary>GroupNorm groups of the resnets and transformers (<c>resnet_groups</c> = <c>norm_num_groups</c>).</summary>
    public required long ResnetGroups { get; init; }

    /// <summary>Dropout of the resnets (<c>dropout</c>).</summary>
    public double Dropout { get; init; }

    /// <summary>Channels of the encoder hidden states (<c>cross_attention_dim</c>).</summary>
    public required long CrossAttentionDim { get; init; }

    /// <summary>Heads of the transformers (<c>num_attention_heads</c>, from the config's <c>attention_head_dim</c>).</summary>
    public required long NumAttentionHeads { get; init; }

    /// <summary>Transformer blocks per transformer (<c>transformer_layers_per_block</c>).</summary>
    public required long TransformerLayersPerBlock { get; init; }

    /// <summary>Linear instead of 1x1 convolution projections in the transformers (<c>use_linear_projection</c>).</summary>
    public bool UseLinearProjection { get; init; }

    /// <summary>Padding of the downsampler convolution (<c>downsample_padding</c>).</summary>
    public long DownsamplePadding { get; init; } = 1;

    /// <summary>Builds a resnet of this block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="outputScaleFactor">The output divisor (the mid block's <c>mid_block_scale_factor</c>, else 1).</param>
    /// <returns>The resnet.</returns>
    public ResnetBlock2D Resnet(long inChannels, long outChannels, double outputScaleFactor = 1.0) =>
        new(inChannels, outChannels, TembChannels, ResnetGroups, ResnetEps, Dropout, outputScaleFactor);

    /// <summary>Builds a transformer of this block: <c>Transformer2DModel(heads, channels / heads, in_channels=channels, ...)</c>.</summary>
    /// <param name="channels">Channels of the feature map.</param>
    /// <returns>The transformer.</returns>
    public Transformer2DModel Transformer(long channels) =>
        new(NumAttentionHeads, channels / NumAttentionHeads, channels, TransformerLayersPerBlock, CrossAttentionDim, ResnetGroups, UseLinearProjection);
}
