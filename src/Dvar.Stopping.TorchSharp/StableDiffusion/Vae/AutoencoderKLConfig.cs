using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The <c>vae/config.json</c> of a diffusers <c>AutoencoderKL</c>.</summary>
/// <remarks>
/// Keys missing from a file take diffusers' defaults (SD v1.5's file omits <c>scaling_factor</c> and <c>force_upcast</c>); unknown
/// keys are ignored. Block types other than <c>DownEncoderBlock2D</c> / <c>UpDecoderBlock2D</c> are rejected by name when read.
/// SD v1.5: <c>block_out_channels</c> 128, 256, 512, 512, <c>layers_per_block</c> 2, <c>norm_num_groups</c> 32, 4 latent channels.
/// </remarks>
public sealed record AutoencoderKLConfig
{
    /// <summary>Channels of the images (<c>in_channels</c>).</summary>
    /// <value>At least 1. Default 3.</value>
    [JsonPropertyName("in_channels")]
    public int InChannels { get; init; } = 3;

    /// <summary>Channels of the decoded images (<c>out_channels</c>).</summary>
    /// <value>At least 1. Default 3.</value>
    [JsonPropertyName("out_channels")]
    public int OutChannels { get; init; } = 3;

    /// <summary>The encoder blocks (<c>down_block_types</c>).</summary>
    /// <value>As many as <see cref="BlockOutChannels"/>. Default one DownEncoderBlock2D.</value>
    [JsonPropertyName("down_block_types")]
    public IReadOnlyList<VaeDownBlockType> DownBlockTypes { get; init; } = [VaeDownBlockType.DownEncoderBlock2D];

    /// <summary>The decoder blocks (<c>up_block_types</c>).</summary>
    /// <value>As many as <see cref="BlockOutChannels"/>. Default one UpDecoderBlock2D.</value>
    [JsonPropertyName("up_block_types")]
    public IReadOnlyList<VaeUpBlockType> UpBlockTypes { get; init; } = [VaeUpBlockType.UpDecoderBlock2D];

    /// <summary>Output channels of each encoder block (<c>block_out_channels</c>); the decoder uses them reversed.</summary>
    /// <value>At least one, each at least 1 and divisible by <see cref="NormNumGroups"/>. Default 64.</value>
    [JsonPropertyName("block_out_channels")]
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [64];

    /// <summary>Resnets per encoder block (<c>layers_per_block</c>); decoder blocks have one more.</summary>
    /// <value>At least 1. Default 1.</value>
    [JsonPropertyName("layers_per_block")]
    public int LayersPerBlock { get; init; } = 1;

    /// <summary>The activation (<c>act_fn</c>).</summary>
    /// <value>"silu" (the only one supported). Default "silu".</value>
    [JsonPropertyName("act_fn")]
    public string ActFn { get; init; } = "silu";

    /// <summary>Channels of the latents (<c>latent_channels</c>); the encoder outputs twice as many (mean and log-variance).</summary>
    /// <value>At least 1. Default 4.</value>
    [JsonPropertyName("latent_channels")]
    public int LatentChannels { get; init; } = 4;

    /// <summary>Groups of every GroupNorm (<c>norm_num_groups</c>); their epsilon is always 1e-6.</summary>
    /// <value>At least 1. Default 32.</value>
    [JsonPropertyName("norm_num_groups")]
    public int NormNumGroups { get; init; } = 32;

    /// <summary>The image size the model was trained at (<c>sample_size</c>); informational.</summary>
    /// <value>At least 1. Default 32 (SD v1.5: 512).</value>
    [JsonPropertyName("sample_size")]
    public int SampleSize { get; init; } = 32;

    /// <summary>
    /// The factor a pipeline multiplies sampled latents by before the UNet, and divides by before decoding
    /// (<c>scaling_factor</c>); <see cref="AutoencoderKL.Encode"/> and <see cref="AutoencoderKL.Decode"/> never apply it.
    /// </summary>
    /// <value>Finite and positive. Default 0.18215 (SD v1.5's value; its config omits the key).</value>
    [JsonPropertyName("scaling_factor")]
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>Whether a pipeline should run this VAE in float32 even when the rest is in half precision (<c>force_upcast</c>); informational.</summary>
    /// <value>Default true.</value>
    [JsonPropertyName("force_upcast")]
    public bool ForceUpcast { get; init; } = true;

    /// <summary>Whether the encoder output goes through <c>quant_conv</c> (<c>use_quant_conv</c>, newer diffusers).</summary>
    /// <value>Must be true (false is not supported). Default true.</value>
    [JsonPropertyName("use_quant_conv")]
    public bool UseQuantConv { get; init; } = true;

    /// <summary>Whether latents go through <c>post_quant_conv</c> before decoding (<c>use_post_quant_conv</c>, newer diffusers).</summary>
    /// <value>Must be true (false is not supported). Default true.</value>
    [JsonPropertyName("use_post_quant_conv")]
    public bool UsePostQuantConv { get; init; } = true;

    /// <summary>Whether the mid blocks have their attention (<c>mid_block_add_attention</c>, newer diffusers).</summary>
    /// <value>Must be true (false is not supported). Default true.</value>
    [JsonPropertyName("mid_block_add_attention")]
    public bool MidBlockAddAttention { get; init; } = true;

    /// <summary>The spatial factor between images and latents: <c>2^(len(block_out_channels) - 1)</c> (8 for SD v1.5).</summary>
    [JsonIgnore]
    public int SpatialFactor => 1 << Math.Max(0, BlockOutChannels.Count - 1);

    /// <summary>Checks every value at once, as diffusers' constructor would.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unsupported; the message names every offending config key and its value.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        foreach (var (key, value) in new[]
        {
            ("in_channels", InChannels), ("out_channels", OutChannels), ("layers_per_block", LayersPerBlock),
            ("latent_channels", LatentChannels), ("norm_num_groups", NormNumGroups), ("sample_size", SampleSize),
        })
        {
            if (value < 1)
            {
                errors.Add($"{key} must be at least 1; got {value}");
            }
        }

        ValidateBlocks(errors);
        if (ActFn != "silu")
        {
            errors.Add($"act_fn = \"{ActFn}\" is not supported; expected \"silu\"");
        }

        if (!double.IsFinite(ScalingFactor) || ScalingFactor <= 0)
        {
            errors.Add($"scaling_factor must be finite and positive; got {ScalingFactor}");
        }

        foreach (var (key, value) in new[] { ("use_quant_conv", UseQuantConv), ("use_post_quant_conv", UsePostQuantConv), ("mid_block_add_attention", MidBlockAddAttention) })
        {
            if (!value)
            {
                errors.Add($"{key} = false is not supported; expected true");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(AutoencoderKLConfig)}: {string.Join("; ", errors)}.");
        }
    }

    private void ValidateBlocks(List<string> errors)
    {
        if (BlockOutChannels is null || BlockOutChannels.Count == 0)
        {
            errors.Add("block_out_channels must list at least one block");
            return;
        }

        if (DownBlockTypes?.Count != BlockOutChannels.Count || UpBlockTypes?.Count != BlockOutChannels.Count)
        {
            errors.Add(
                $"block_out_channels ({BlockOutChannels.Count} blocks), down_block_types ({DownBlockTypes?.Count ?? 0}) and " +
                $"up_block_types ({UpBlockTypes?.Count ?? 0}) must have the same length");
        }

        if (DownBlockTypes?.Any(t => !Enum.IsDefined(t)) == true || UpBlockTypes?.Any(t => !Enum.IsDefined(t)) == true)
        {
            errors.Add("down_block_types / up_block_types may only be DownEncoderBlock2D / UpDecoderBlock2D");
        }

        foreach (int channels in BlockOutChannels)
        {
            if (channels < 1 || (NormNumGroups >= 1 && channels % NormNumGroups != 0))
            {
                errors.Add($"block_out_channels entry {channels} must be at least 1 and divisible by norm_num_groups ({NormNumGroups})");
            }
        }
    }
}
