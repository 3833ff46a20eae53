using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>The <c>unet/config.json</c> of a diffusers <c>UNet2DConditionModel</c>, as far as Stable Diffusion v1.x/v2.x use it.</summary>
/// <remarks>
/// <para>
/// Keys are diffusers' snake_case names. Keys missing from a file take diffusers' defaults (published SD1.5 configs omit
/// <c>use_linear_projection</c>, <c>num_attention_heads</c>, <c>mid_block_type</c>, ...), unknown keys are ignored. Settings that
/// select model parts this implementation does not have (class or addition embeddings, other block or attention types, ...)
/// are read so that <see cref="Validate"/> can reject them by name instead of building a different model silently.
/// </para>
/// <para>
/// Per-block settings (<c>attention_head_dim</c>, <c>cross_attention_dim</c>, <c>layers_per_block</c>,
/// <c>transformer_layers_per_block</c>, <c>only_cross_attention</c>) are a single value for every block or a list with one value
/// per down block; a single value reads as a one-element list.
/// </para>
/// </remarks>
public sealed record UNet2DConditionModelConfig
{
    /// <summary>The default latent size the model was trained at (<c>sample_size</c>): one value for height and width, or [height, width]; informational.</summary>
    /// <value>Null when absent. SD1.5: [64].</value>
    [JsonPropertyName("sample_size")]
    [JsonConverter(typeof(ScalarOrListJsonConverter<int>))]
    public IReadOnlyList<int>? SampleSize { get; init; }

    /// <summary>Channels of the noisy latents (<c>in_channels</c>).</summary>
    /// <value>At least 1. Default 4.</value>
    [JsonPropertyName("in_channels")]
    public int InChannels { get; init; } = 4;

    /// <summary>Channels of the predicted noise (<c>out_channels</c>).</summary>
    /// <value>At least 1. Default 4.</value>
    [JsonPropertyName("out_channels")]
    public int OutChannels { get; init; } = 4;

    /// <summary>Whether the input is mapped by <c>2x - 1</c> first (<c>center_input_sample</c>).</summary>
    /// <value>Default false.</value>
    [JsonPropertyName("center_input_sample")]
    public bool CenterInputSample { get; init; }

    /// <summary>Whether the sinusoidal timestep embedding puts cosines first (<c>flip_sin_to_cos</c>).</summary>
    /// <value>Default true.</value>
    [JsonPropertyName("flip_sin_to_cos")]
    public bool FlipSinToCos { get; init; } = true;

    /// <summary>The frequency shift of the sinusoidal timestep embedding (<c>freq_shift</c>, diffusers' <c>downscale_freq_shift</c>).</summary>
    /// <value>Finite and below <c>block_out_channels[0] / 2</c>. Default 0.</value>
    [JsonPropertyName("freq_shift")]
    public double FreqShift { get; init; }

    /// <summary>The down blocks, from the input resolution down (<c>down_block_types</c>).</summary>
    /// <value>At least one. Default CrossAttnDownBlock2D x3, DownBlock2D.</value>
    [JsonPropertyName("down_block_types")]
    public IReadOnlyList<UNetDownBlockType> DownBlockTypes { get; init; } =
        [UNetDownBlockType.CrossAttnDownBlock2D, UNetDownBlockType.CrossAttnDownBlock2D, UNetDownBlockType.CrossAttnDownBlock2D, UNetDownBlockType.DownBlock2D];

    /// <summary>The mid block (<c>mid_block_type</c>).</summary>
    /// <value>Default UNetMidBlock2DCrossAttn (the only one supported).</value>
    [JsonPropertyName("mid_block_type")]
    public UNetMidBlockType MidBlockType { get; init; } = UNetMidBlockType.UNetMidBlock2DCrossAttn;

    /// <summary>The up blocks, from the lowest resolution up (<c>up_block_types</c>).</summary>
    /// <value>As many as down blocks. Default UpBlock2D, CrossAttnUpBlock2D x3.</value>
    [JsonPropertyName("up_block_types")]
    public IReadOnlyList<UNetUpBlockType> UpBlockTypes { get; init; } =
        [UNetUpBlockType.UpBlock2D, UNetUpBlockType.CrossAttnUpBlock2D, UNetUpBlockType.CrossAttnUpBlock2D, UNetUpBlockType.CrossAttnUpBlock2D];

    /// <summary>Whether <c>attn1</c> attends to the text instead of the image (<c>only_cross_attention</c>), per block.</summary>
    /// <value>Must be false (not supported). Default false.</value>
    [JsonPropertyName("only_cross_attention")]
    [JsonConverter(typeof(ScalarOrListJsonConverter<bool>))]
    public IReadOnlyList<bool> OnlyCrossAttention { get; init; } = [false];

    /// <summary>Whether the mid block's <c>attn1</c> attends to the text (<c>mid_block_only_cross_attention</c>).</summary>
    /// <value>Null or false (true is not supported). Default null.</value>
    [JsonPropertyName("mid_block_only_cross_attention")]
    public bool? MidBlockOnlyCrossAttention { get; init; }

    /// <summary>Output channels of each down block (<c>block_out_channels</c>); the up blocks use them reversed.</summary>
    /// <value>One per down block, each at least 1 and divisible by <see cref="NormNumGroups"/> and by the block's heads. Default 320, 640, 1280, 1280.</value>
    [JsonPropertyName("block_out_channels")]
    public IReadOnlyList<int> BlockOutChannels { get; init; } = [320, 640, 1280, 1280];

    /// <summary>Resnets per down block (<c>layers_per_block</c>); up blocks have one more.</summary>
    /// <value>Each at least 1. Default 2.</value>
    [JsonPropertyName("layers_per_block")]
    [JsonConverter(typeof(ScalarOrListJsonConverter<int>))]
    public IReadOnlyList<int> LayersPerBlock { get; init; } = [2];

    /// <summary>Padding of the downsampling convolutions (<c>downsample_padding</c>); 0 pads asymmetrically as diffusers does.</summary>
    /// <value>0 or 1. Default 1.</value>
    [JsonPropertyName("downsample_padding")]
    public int DownsamplePadding { get; init; } = 1;

    /// <summary>The mid block resnets divide their output by this (<c>mid_block_scale_factor</c>).</summary>
    /// <value>Finite and positive. Default 1.</value>
    [JsonPropertyName("mid_block_scale_factor")]
    public double MidBlockScaleFactor { get; init; } = 1;

    /// <summary>Dropout probability of the resnets and transformers (<c>dropout</c>; active in training mode only).</summary>
    /// <value>In [0, 1). Default 0.</value>
    [JsonPropertyName("dropout")]
    public double Dropout { get; init; }

    /// <summary>The activation (<c>act_fn</c>).</summary>
    /// <value>"silu" or its alias "swish". Default "silu".</value>
    [JsonPropertyName("act_fn")]
    public string ActFn { get; init; } = "silu";

    /// <summary>GroupNorm groups of the resnets, transformers and output norm (<c>norm_num_groups</c>).</summary>
    /// <value>At least 1. Default 32.</value>
    [JsonPropertyName("norm_num_groups")]
    public int NormNumGroups { get; init; } = 32;

    /// <summary>Epsilon of the resnet and output GroupNorms (<c>norm_eps</c>); the transformers' GroupNorm always uses 1e-6.</summary>
    /// <value>Finite and positive. Default 1e-5.</value>
    [JsonPropertyName("norm_eps")]
    public double NormEps { get; init; } = 1e-5;

    /// <summary>Channels of the text encoder states the cross-attentions read (<c>cross_attention_dim</c>), per block.</summary>
    /// <value>At least 1, the same for every block (one text encoder). Default 1280; SD1.5: 768.</value>
    [JsonPropertyName("cross_attention_dim")]
    [JsonConverter(typeof(ScalarOrListJsonConverter<int>))]
    public IReadOnlyList<int> CrossAttentionDim { get; init; } = [1280];

    /// <summary>Transformer blocks per <c>Transformer2DModel</c> (<c>transformer_layers_per_block</c>), per down block.</summary>
    /// <value>Each at least 1; nested (asymmetric) lists are not supported. Default 1.</value>
    [JsonPropertyName("transformer_layers_per_block")]
    [JsonConverter(typeof(ScalarOrListJsonConverter<int>))]
    public IReadOnlyList<int> TransformerLayersPerBlock { get; init; } = [1];

    /// <summary>Separate transformer depths for the up blocks (<c>reverse_transformer_layers_per_block</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("reverse_transformer_layers_per_block")]
    public IReadOnlyList<IReadOnlyList<int>>? ReverseTransformerLayersPerBlock { get; init; }

    /// <summary>
    /// <c>attention_head_dim</c>, per block. NOTE diffusers' naming quirk: when <see cref="NumAttentionHeads"/> is null (every
    /// SD1.x/2.x config) this is the NUMBER OF HEADS, not the size of a head; the head size is the block's channels divided by it
    /// (SD1.5: 8 heads of 40, 80, 160 channels).
    /// </summary>
    /// <value>Each at least 1 and dividing the block's channels. Default 8.</value>
    [JsonPropertyName("attention_head_dim")]
    [JsonConverter(typeof(ScalarOrListJsonConverter<int>))]
    public IReadOnlyList<int> AttentionHeadDim { get; init; } = [8];

    /// <summary><c>num_attention_heads</c>; diffusers' <c>UNet2DConditionModel</c> refuses it, so a loadable config has none.</summary>
    /// <value>Must be null; the number of heads is <see cref="AttentionHeadDim"/>. Default null.</value>
    [JsonPropertyName("num_attention_heads")]
    [JsonConverter(typeof(ScalarOrListJsonConverter<int>))]
    public IReadOnlyList<int>? NumAttentionHeads { get; init; }

    /// <summary>Whether the transformers' <c>proj_in</c>/<c>proj_out</c> are Linear layers rather than 1x1 convolutions (<c>use_linear_projection</c>).</summary>
    /// <value>Default false (SD1.5); true in SD 2.x.</value>
    [JsonPropertyName("use_linear_projection")]
    public bool UseLinearProjection { get; init; }

    /// <summary>Whether attention scores are computed in float32 (<c>upcast_attention</c>).</summary>
    /// <value>Default false. Accepted either way: diffusers' default attention processor ignores it, and so does this model.</value>
    [JsonPropertyName("upcast_attention")]
    public bool UpcastAttention { get; init; }

    /// <summary>How resnets apply the time embedding (<c>resnet_time_scale_shift</c>).</summary>
    /// <value>"default" (added to the features; the only one supported). Default "default".</value>
    [JsonPropertyName("resnet_time_scale_shift")]
    public string ResnetTimeScaleShift { get; init; } = "default";

    /// <summary>Whether resnets skip the SiLU on the time embedding (<c>resnet_skip_time_act</c>).</summary>
    /// <value>Must be false (not supported). Default false.</value>
    [JsonPropertyName("resnet_skip_time_act")]
    public bool ResnetSkipTimeAct { get; init; }

    /// <summary>The timestep embedding kind (<c>time_embedding_type</c>).</summary>
    /// <value>"positional" (sinusoidal; the only one supported). Default "positional".</value>
    [JsonPropertyName("time_embedding_type")]
    public string TimeEmbeddingType { get; init; } = "positional";

    /// <summary>Width of the time embedding MLP (<c>time_embedding_dim</c>).</summary>
    /// <value>Null for <c>4 · block_out_channels[0]</c>, else at least 1. Default null.</value>
    [JsonPropertyName("time_embedding_dim")]
    public int? TimeEmbeddingDim { get; init; }

    /// <summary>An activation applied to the time embedding once (<c>time_embedding_act_fn</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("time_embedding_act_fn")]
    public string? TimeEmbeddingActFn { get; init; }

    /// <summary>An activation after the time embedding MLP (<c>timestep_post_act</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("timestep_post_act")]
    public string? TimestepPostAct { get; init; }

    /// <summary>Width of an extra timestep condition (<c>time_cond_proj_dim</c>, LCM).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("time_cond_proj_dim")]
    public int? TimeCondProjDim { get; init; }

    /// <summary>Kernel size of <c>conv_in</c> (<c>conv_in_kernel</c>).</summary>
    /// <value>Odd, at least 1. Default 3.</value>
    [JsonPropertyName("conv_in_kernel")]
    public int ConvInKernel { get; init; } = 3;

    /// <summary>Kernel size of <c>conv_out</c> (<c>conv_out_kernel</c>).</summary>
    /// <value>Odd, at least 1. Default 3.</value>
    [JsonPropertyName("conv_out_kernel")]
    public int ConvOutKernel { get; init; } = 3;

    /// <summary>Class conditioning (<c>class_embed_type</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("class_embed_type")]
    public string? ClassEmbedType { get; init; }

    /// <summary>Number of class labels of a class embedding table (<c>num_class_embeds</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("num_class_embeds")]
    public int? NumClassEmbeds { get; init; }

    /// <summary>Whether class embeddings are concatenated to the time embedding (<c>class_embeddings_concat</c>).</summary>
    /// <value>Must be false (not supported). Default false.</value>
    [JsonPropertyName("class_embeddings_concat")]
    public bool ClassEmbeddingsConcat { get; init; }

    /// <summary>Additional conditioning (<c>addition_embed_type</c>, e.g. SDXL's "text_time").</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("addition_embed_type")]
    public string? AdditionEmbedType { get; init; }

    /// <summary>Width of encoder states projected to <c>cross_attention_dim</c> (<c>encoder_hid_dim</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("encoder_hid_dim")]
    public int? EncoderHidDim { get; init; }

    /// <summary>The kind of that projection (<c>encoder_hid_dim_type</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("encoder_hid_dim_type")]
    public string? EncoderHidDimType { get; init; }

    /// <summary>Two transformers per attention (<c>dual_cross_attention</c>).</summary>
    /// <value>Must be false (not supported). Default false.</value>
    [JsonPropertyName("dual_cross_attention")]
    public bool DualCrossAttention { get; init; }

    /// <summary>The transformer attention kind (<c>attention_type</c>).</summary>
    /// <value>"default" (the only one supported). Default "default".</value>
    [JsonPropertyName("attention_type")]
    public string AttentionType { get; init; } = "default";

    /// <summary>A norm on the cross-attention context (<c>cross_attention_norm</c>).</summary>
    /// <value>Must be null (not supported). Default null.</value>
    [JsonPropertyName("cross_attention_norm")]
    public string? CrossAttentionNorm { get; init; }

    /// <summary>Checks the config as diffusers' <c>_check_config</c> does, and rejects settings this model does not implement.</summary>
    /// <exception cref="ArgumentException">The config is inconsistent or unsupported; the message lists every problem, naming the keys and their values.</exception>
    public void Validate()
    {
        var errors = new UNet2DConditionModelConfigValidator(this).Errors();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid UNet2DConditionModel config: {string.Join("; ", errors)}.");
        }
    }

    /// <summary>The value of a per-block setting for down block <paramref name="block"/> (a single value applies to every block).</summary>
    internal static int PerBlock(IReadOnlyList<int> values, int block) => values.Count == 1 ? values[0] : values[block];

    /// <summary>Width of the time embedding: <c>time_embedding_dim</c>, or 4 · <c>block_out_channels[0]</c>.</summary>
    internal int TimeEmbedDim => TimeEmbeddingDim ?? (4 * BlockOutChannels[0]);
}
