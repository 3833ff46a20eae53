using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>The configuration of a <see cref="ClipTextModel"/>: transformers' <c>CLIPTextConfig</c>, read from <c>text_encoder/config.json</c>.</summary>
/// <remarks>
/// Keys missing from the file take transformers' defaults (listed on each property); keys this model does not use
/// (<c>projection_dim</c>, <c>initializer_range</c>, ...) are ignored. SD v1.5 uses hidden size 768, 12 layers, 12 heads,
/// intermediate size 3072 and <c>quick_gelu</c>.
/// </remarks>
public sealed record ClipTextConfig
{
    /// <summary>The number of token embedding rows.</summary>
    /// <value>At least 1. Default 49408 (CLIP's BPE vocabulary).</value>
    [JsonPropertyName("vocab_size")]
    public int VocabSize { get; init; } = 49408;

    /// <summary>The width of the hidden states.</summary>
    /// <value>A positive multiple of <see cref="NumAttentionHeads"/>. Default 512 (SD v1.5: 768).</value>
    [JsonPropertyName("hidden_size")]
    public int HiddenSize { get; init; } = 512;

    /// <summary>The width of the MLP's hidden layer.</summary>
    /// <value>At least 1. Default 2048 (SD v1.5: 3072).</value>
    [JsonPropertyName("intermediate_size")]
    public int IntermediateSize { get; init; } = 2048;

    /// <summary>The number of encoder layers.</summary>
    /// <value>At least 1. Default 12.</value>
    [JsonPropertyName("num_hidden_layers")]
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>The number of attention heads per layer.</summary>
    /// <value>At least 1 and dividing <see cref="HiddenSize"/>. Default 8 (SD v1.5: 12).</value>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; } = 8;

    /// <summary>The number of learned positions: the longest token sequence the model accepts.</summary>
    /// <value>At least 1. Default 77.</value>
    [JsonPropertyName("max_position_embeddings")]
    public int MaxPositionEmbeddings { get; init; } = 77;

    /// <summary>The MLP activation (<c>hidden_act</c>: <c>"quick_gelu"</c> or <c>"gelu"</c>; other names are rejected when read).</summary>
    /// <value>Default <see cref="ClipActivation.QuickGelu"/>.</value>
    [JsonPropertyName("hidden_act")]
    [JsonConverter(typeof(SnakeCaseEnumJsonConverter<ClipActivation>))]
    public ClipActivation HiddenAct { get; init; } = ClipActivation.QuickGelu;

    /// <summary>The epsilon of every LayerNorm.</summary>
    /// <value>Finite and positive. Default 1e-5.</value>
    [JsonPropertyName("layer_norm_eps")]
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary>The dropout probability after the embeddings and MLP. Only 0 is supported (SD v1.5's value).</summary>
    /// <value>0. Default 0.</value>
    [JsonPropertyName("dropout")]
    public double Dropout { get; init; }

    /// <summary>The dropout probability of the attention weights. Only 0 is supported (SD v1.5's value).</summary>
    /// <value>0. Default 0.</value>
    [JsonPropertyName("attention_dropout")]
    public double AttentionDropout { get; init; }

    /// <summary>The padding token id (informational: the model never masks padding).</summary>
    /// <value>Default 1.</value>
    [JsonPropertyName("pad_token_id")]
    public int PadTokenId { get; init; } = 1;

    /// <summary>The start-of-text token id (informational).</summary>
    /// <value>Default 49406.</value>
    [JsonPropertyName("bos_token_id")]
    public int BosTokenId { get; init; } = 49406;

    /// <summary>The end-of-text token id, which selects the pooled position (see <see cref="ClipTextModel.Encode"/>).</summary>
    /// <value>Non-negative. Default 49407. SD v1.5's file says 2, a legacy value that selects <c>argmax(input_ids)</c> pooling.</value>
    [JsonPropertyName("eos_token_id")]
    public int EosTokenId { get; init; } = 49407;

    /// <summary>Whether pooling uses transformers' legacy rule <c>argmax(input_ids)</c> (when <see cref="EosTokenId"/> is 2).</summary>
    [JsonIgnore]
    public bool UsesLegacyArgmaxPooling => EosTokenId == 2;

    /// <summary>Checks every value at once, as transformers would when building the model.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unsupported; the message names the config key and the value.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        AtLeastOne(errors, "vocab_size", VocabSize);
        AtLeastOne(errors, "hidden_size", HiddenSize);
        AtLeastOne(errors, "intermediate_size", IntermediateSize);
        AtLeastOne(errors, "num_hidden_layers", NumHiddenLayers);
        AtLeastOne(errors, "num_attention_heads", NumAttentionHeads);
        AtLeastOne(errors, "max_position_embeddings", MaxPositionEmbeddings);
        if (HiddenSize >= 1 && NumAttentionHeads >= 1 && HiddenSize % NumAttentionHeads != 0)
        {
            errors.Add($"hidden_size ({HiddenSize}) must be divisible by num_attention_heads ({NumAttentionHeads})");
        }

        if (!Enum.IsDefined(HiddenAct))
        {
            errors.Add($"hidden_act ({HiddenAct}) is not supported; expected quick_gelu or gelu");
        }

        if (!double.IsFinite(LayerNormEps) || LayerNormEps <= 0)
        {
            errors.Add($"layer_norm_eps must be finite and positive; got {LayerNormEps}");
        }

        if (Dropout != 0)
        {
            errors.Add($"dropout = {Dropout} is not supported; expected 0");
        }

        if (AttentionDropout != 0)
        {
            errors.Add($"attention_dropout = {AttentionDropout} is not supported; expected 0");
        }

        if (EosTokenId < 0)
        {
            errors.Add($"eos_token_id must be non-negative; got {EosTokenId}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(ClipTextConfig)}: {string.Join("; ", errors)}.");
        }
    }

    private static void AtLeastOne(List<string> errors, string key, int value)
    {
        if (value < 1)
        {
            errors.Add($"{key} must be at least 1; got {value}");
        }
    }
}
