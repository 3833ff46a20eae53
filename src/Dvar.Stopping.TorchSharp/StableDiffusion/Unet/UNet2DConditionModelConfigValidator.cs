namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>The checks behind <see cref="UNet2DConditionModelConfig.Validate"/>: consistency as in diffusers' <c>_check_config</c>, then support.</summary>
internal sealed class UNet2DConditionModelConfigValidator
{
    private readonly UNet2DConditionModelConfig config;
    private readonly List<string> errors = [];

    /// <summary>Prepares the checks of one config.</summary>
    /// <param name="config">The config.</param>
    internal UNet2DConditionModelConfigValidator(UNet2DConditionModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
    }

    /// <summary>Runs every check.</summary>
    /// <returns>One message per problem, naming the keys and values; empty when the config is valid.</returns>
    internal List<string> Errors()
    {
        errors.Clear();
        CheckBlocks();
        CheckSizes();
        CheckUnsupported();
        return errors;
    }

    private int Blocks => config.DownBlockTypes?.Count ?? 0;

    private void CheckBlocks()
    {
        var down = config.DownBlockTypes;
        var up = config.UpBlockTypes;
        if (down is null || up is null || config.BlockOutChannels is null)
        {
            errors.Add("down_block_types, up_block_types and block_out_channels must not be null");
            return;
        }

        if (down.Count == 0)
        {
            errors.Add("down_block_types is empty; at least one down block is needed");
        }

        if (down.Count != up.Count)
        {
            errors.Add($"down_block_types has {down.Count} entries {Show(down)} but up_block_types has {up.Count} {Show(up)}; they must be equally many");
        }

        if (config.BlockOutChannels.Count != down.Count)
        {
            errors.Add($"block_out_channels has {config.BlockOutChannels.Count} entries {Show(config.BlockOutChannels)} but down_block_types has {down.Count} {Show(down)}; give one per down block");
        }

        foreach (var type in down.Where(t => !Enum.IsDefined(t)))
        {
            errors.Add($"down_block_types contains {type}; expected one of: {DiffusersNameJsonConverter<UNetDownBlockType>.AcceptedNames}");
        }

        foreach (var type in up.Where(t => !Enum.IsDefined(t)))
        {
            errors.Add($"up_block_types contains {type}; expected one of: {DiffusersNameJsonConverter<UNetUpBlockType>.AcceptedNames}");
        }

        if (!Enum.IsDefined(config.MidBlockType))
        {
            errors.Add($"mid_block_type = {config.MidBlockType} is not supported; expected one of: {DiffusersNameJsonConverter<UNetMidBlockType>.AcceptedNames}");
        }

        CheckPerBlock("layers_per_block", config.LayersPerBlock, 1);
        CheckPerBlock("transformer_layers_per_block", config.TransformerLayersPerBlock, 1);
        CheckPerBlock("attention_head_dim", config.AttentionHeadDim, 1);
        CheckPerBlock("cross_attention_dim", config.CrossAttentionDim, 1);
        if (config.OnlyCrossAttention is null || (config.OnlyCrossAttention.Count != 1 && config.OnlyCrossAttention.Count != Blocks))
        {
            errors.Add($"only_cross_attention has {config.OnlyCrossAttention?.Count} entries but down_block_types has {Blocks}; give one value or one per down block");
        }

        if (config.CrossAttentionDim is { Count: > 1 } dims && dims.Distinct().Count() > 1)
        {
            errors.Add($"cross_attention_dim {Show(dims)} differs between blocks; one text encoder feeds every block, so give one value");
        }
    }

    private void CheckSizes()
    {
        Positive("in_channels", config.InChannels);
        Positive("out_channels", config.OutChannels);
        Positive("norm_num_groups", config.NormNumGroups);
        CheckChannels();
        if (!double.IsFinite(config.FreqShift) || (config.BlockOutChannels is { Count: > 0 } c && !(config.FreqShift < c[0] / 2)))
        {
            errors.Add($"freq_shift = {config.FreqShift} must be finite and below block_out_channels[0] / 2");
        }

        if (config.TimeEmbeddingDim is < 1)
        {
            errors.Add($"time_embedding_dim = {config.TimeEmbeddingDim} must be null or at least 1");
        }

        if (!(config.NormEps > 0) || !double.IsFinite(config.NormEps))
        {
            errors.Add($"norm_eps = {config.NormEps} must be finite and positive");
        }

        if (!(config.Dropout >= 0 && config.Dropout < 1))
        {
            errors.Add($"dropout = {config.Dropout} must be in [0, 1)");
        }

        if (!(config.MidBlockScaleFactor > 0) || !double.IsFinite(config.MidBlockScaleFactor))
        {
            errors.Add($"mid_block_scale_factor = {config.MidBlockScaleFactor} must be finite and positive");
        }

        if (config.DownsamplePadding is not (0 or 1))
        {
            errors.Add($"downsample_padding = {config.DownsamplePadding} is not supported; expected 0 or 1");
        }

        foreach (var (key, kernel) in new[] { ("conv_in_kernel", config.ConvInKernel), ("conv_out_kernel", config.ConvOutKernel) })
        {
            if (kernel < 1 || kernel % 2 == 0)
            {
                errors.Add($"{key} = {kernel} must be odd and at least 1");
            }
        }
    }

    private void CheckChannels()
    {
        var channels = config.BlockOutChannels;
        if (channels is null)
        {
            return;
        }

        var heads = config.AttentionHeadDim;
        bool headsKnown = heads is not null && (heads.Count == 1 || heads.Count == channels.Count);
        for (int i = 0; i < channels.Count; i++)
        {
            if (channels[i] < 1)
            {
                errors.Add($"block_out_channels[{i}] = {channels[i]} must be at least 1");
            }
            else if (config.NormNumGroups >= 1 && channels[i] % config.NormNumGroups != 0)
            {
                errors.Add($"block_out_channels[{i}] = {channels[i]} is not divisible by norm_num_groups = {config.NormNumGroups}");
            }
            else if (headsKnown && UNet2DConditionModelConfig.PerBlock(heads!, i) is int n && n >= 1 && channels[i] % n != 0)
            {
                errors.Add($"block_out_channels[{i}] = {channels[i]} is not divisible by its number of heads, attention_head_dim = {n}");
            }
        }
    }

    private void CheckUnsupported()
    {
        if (config.OnlyCrossAttention?.Any(v => v) == true)
        {
            errors.Add($"only_cross_attention = {Show(config.OnlyCrossAttention)} is not supported; expected false");
        }

        if (config.MidBlockOnlyCrossAttention == true)
        {
            errors.Add("mid_block_only_cross_attention = true is not supported; expected null or false");
        }

        Expect("act_fn", config.ActFn, "silu", "swish");
        Expect("resnet_time_scale_shift", config.ResnetTimeScaleShift, "default");
        Expect("time_embedding_type", config.TimeEmbeddingType, "positional");
        Expect("attention_type", config.AttentionType, "default");
        MustBeNull("num_attention_heads", config.NumAttentionHeads is null ? null : Show(config.NumAttentionHeads), "the number of heads is attention_head_dim, and diffusers' UNet2DConditionModel refuses num_attention_heads too");
        MustBeNull("reverse_transformer_layers_per_block", config.ReverseTransformerLayersPerBlock is null ? null : "a list", null);
        MustBeNull("class_embed_type", config.ClassEmbedType, null);
        MustBeNull("num_class_embeds", config.NumClassEmbeds?.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        MustBeNull("addition_embed_type", config.AdditionEmbedType, null);
        MustBeNull("time_cond_proj_dim", config.TimeCondProjDim?.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        MustBeNull("encoder_hid_dim", config.EncoderHidDim?.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
        MustBeNull("encoder_hid_dim_type", config.EncoderHidDimType, null);
        MustBeNull("time_embedding_act_fn", config.TimeEmbeddingActFn, null);
        MustBeNull("timestep_post_act", config.TimestepPostAct, null);
        MustBeNull("cross_attention_norm", config.CrossAttentionNorm, null);
        MustBeFalse("resnet_skip_time_act", config.ResnetSkipTimeAct);
        MustBeFalse("class_embeddings_concat", config.ClassEmbeddingsConcat);
        MustBeFalse("dual_cross_attention", config.DualCrossAttention);
    }

    private void CheckPerBlock(string key, IReadOnlyList<int>? values, int minimum)
    {
        if (values is null || (values.Count != 1 && values.Count != Blocks))
        {
            errors.Add($"{key} has {values?.Count} entries {Show(values ?? [])} but down_block_types has {Blocks}; give one value or one per down block");
            return;
        }

        foreach (int value in values.Where(v => v < minimum))
        {
            errors.Add($"{key} contains {value}; each must be at least {minimum}");
        }
    }

    private void Positive(string key, int value)
    {
        if (value < 1)
        {
            errors.Add($"{key} = {value} must be at least 1");
        }
    }

    private void Expect(string key, string? value, params string[] accepted)
    {
        if (value is null || !accepted.Contains(value, StringComparer.Ordinal))
        {
            errors.Add($"{key} = {(value is null ? "null" : $"\"{value}\"")} is not supported; expected {string.Join(" or ", accepted.Select(a => $"\"{a}\""))}");
        }
    }

    private void MustBeNull(string key, string? value, string? why)
    {
        if (value is not null)
        {
            errors.Add($"{key} = {value} is not supported; expected null{(why is null ? string.Empty : $" ({why})")}");
        }
    }

    private void MustBeFalse(string key, bool value)
    {
        if (value)
        {
            errors.Add($"{key} = true is not supported; expected false");
        }
    }

    private static string Show<T>(IEnumerable<T> values) => $"[{string.Join(", ", values)}]";
}
