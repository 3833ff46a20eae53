using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.Dino;

/// <summary>The configuration of a <see cref="DinoVitModel"/>: Hugging Face transformers' <c>ViTConfig</c>, read from <c>config.json</c>.</summary>
/// <remarks>
/// Keys missing from the file take <c>ViTConfig</c>'s defaults (listed on each property); keys this model does not use
/// (<c>initializer_range</c>, <c>encoder_stride</c>, ...) are ignored. <c>facebook/dino-vits16</c> (the DINO model of the DVAR
/// authors' <c>dino_scores.py</c>) is a ViT-S/16: hidden size 384, 12 layers, 6 heads, intermediate size 1536, patch 16, image 224,
/// <c>layer_norm_eps</c> 1e-12; its file has no <c>qkv_bias</c> key, so the default (true) applies.
/// </remarks>
public sealed record DinoConfig
{
    /// <summary>The width of the hidden states (<c>hidden_size</c>).</summary>
    /// <value>A positive multiple of <see cref="NumAttentionHeads"/>. Default 768 (dino-vits16: 384).</value>
    [JsonPropertyName("hidden_size")]
    public int HiddenSize { get; init; } = 768;

    /// <summary>The number of transformer layers (<c>num_hidden_layers</c>).</summary>
    /// <value>At least 1. Default 12.</value>
    [JsonPropertyName("num_hidden_layers")]
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>The number of attention heads per layer (<c>num_attention_heads</c>).</summary>
    /// <value>At least 1 and dividing <see cref="HiddenSize"/>. Default 12 (dino-vits16: 6).</value>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary>The width of the MLP's hidden layer (<c>intermediate_size</c>).</summary>
    /// <value>At least 1. Default 3072 (dino-vits16: 1536).</value>
    [JsonPropertyName("intermediate_size")]
    public int IntermediateSize { get; init; } = 3072;

    /// <summary>The side of the square input image in pixels (<c>image_size</c>); the model accepts only this size.</summary>
    /// <value>A positive multiple of <see cref="PatchSize"/>. Default 224.</value>
    [JsonPropertyName("image_size")]
    public int ImageSize { get; init; } = 224;

    /// <summary>The side of a square patch in pixels (<c>patch_size</c>).</summary>
    /// <value>At least 1. Default 16.</value>
    [JsonPropertyName("patch_size")]
    public int PatchSize { get; init; } = 16;

    /// <summary>The number of input channels (<c>num_channels</c>).</summary>
    /// <value>At least 1. Default 3.</value>
    [JsonPropertyName("num_channels")]
    public int NumChannels { get; init; } = 3;

    /// <summary>The epsilon of every LayerNorm (<c>layer_norm_eps</c>).</summary>
    /// <value>Finite and positive. Default 1e-12.</value>
    [JsonPropertyName("layer_norm_eps")]
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Whether the query, key and value projections have biases (<c>qkv_bias</c>).</summary>
    /// <value>Default true.</value>
    [JsonPropertyName("qkv_bias")]
    public bool QkvBias { get; init; } = true;

    /// <summary>The MLP activation (<c>hidden_act</c>); only <c>"gelu"</c> (the exact, erf-based GELU) is supported.</summary>
    /// <value>Default <c>"gelu"</c>.</value>
    [JsonPropertyName("hidden_act")]
    public string HiddenAct { get; init; } = "gelu";

    /// <summary>The dropout probability of the hidden states; only 0 is supported (the model is for inference).</summary>
    /// <value>0. Default 0.</value>
    [JsonPropertyName("hidden_dropout_prob")]
    public double HiddenDropoutProb { get; init; }

    /// <summary>The dropout probability of the attention weights; only 0 is supported.</summary>
    /// <value>0. Default 0.</value>
    [JsonPropertyName("attention_probs_dropout_prob")]
    public double AttentionProbsDropoutProb { get; init; }

    /// <summary>Gets the number of patches per side, <c>image_size / patch_size</c>.</summary>
    [JsonIgnore]
    public int PatchesPerSide => PatchSize > 0 ? ImageSize / PatchSize : 0;

    /// <summary>Gets the sequence length: one CLS token plus one token per patch.</summary>
    [JsonIgnore]
    public int SequenceLength => 1 + (PatchesPerSide * PatchesPerSide);

    /// <summary>Checks every value at once, as transformers would when building the model.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unsupported; the message names every such config key and value.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        AtLeastOne(errors, "hidden_size", HiddenSize);
        AtLeastOne(errors, "num_hidden_layers", NumHiddenLayers);
        AtLeastOne(errors, "num_attention_heads", NumAttentionHeads);
        AtLeastOne(errors, "intermediate_size", IntermediateSize);
        AtLeastOne(errors, "image_size", ImageSize);
        AtLeastOne(errors, "patch_size", PatchSize);
        AtLeastOne(errors, "num_channels", NumChannels);
        if (HiddenSize >= 1 && NumAttentionHeads >= 1 && HiddenSize % NumAttentionHeads != 0)
        {
            errors.Add($"hidden_size ({HiddenSize}) must be divisible by num_attention_heads ({NumAttentionHeads})");
        }

        if (ImageSize >= 1 && PatchSize >= 1 && ImageSize % PatchSize != 0)
        {
            errors.Add($"image_size ({ImageSize}) must be a multiple of patch_size ({PatchSize})");
        }

        if (!double.IsFinite(LayerNormEps) || LayerNormEps <= 0)
        {
            errors.Add($"layer_norm_eps must be finite and positive; got {LayerNormEps}");
        }

        if (HiddenAct != "gelu")
        {
            errors.Add($"hidden_act \"{HiddenAct}\" is not supported; expected \"gelu\"");
        }

        if (HiddenDropoutProb != 0)
        {
            errors.Add($"hidden_dropout_prob = {HiddenDropoutProb} is not supported; expected 0");
        }

        if (AttentionProbsDropoutProb != 0)
        {
            errors.Add($"attention_probs_dropout_prob = {AttentionProbsDropoutProb} is not supported; expected 0");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(DinoConfig)}: {string.Join("; ", errors)}.");
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
