using System.Text.Json.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>The configuration of a CLIP vision tower: transformers' <c>CLIPVisionConfig</c>, the <c>vision_config</c> of a CLIP <c>config.json</c>.</summary>
/// <remarks>
/// Keys missing from the file take transformers' defaults (listed on each property, those of ViT-B/32); keys the tower does not
/// use (<c>initializer_range</c>, generation defaults of old files, ...) are ignored. ViT-L/14: hidden size 1024, 24 layers,
/// 16 heads, intermediate size 4096, patch 14.
/// </remarks>
public sealed record ClipVisionConfig
{
    /// <summary>The width of the hidden states.</summary>
    /// <value>A positive multiple of <see cref="NumAttentionHeads"/>. Default 768.</value>
    [JsonPropertyName("hidden_size")]
    public int HiddenSize { get; init; } = 768;

    /// <summary>The width of the MLP's hidden layer.</summary>
    /// <value>At least 1. Default 3072.</value>
    [JsonPropertyName("intermediate_size")]
    public int IntermediateSize { get; init; } = 3072;

    /// <summary>The sub-config's projection width (informational: <see cref="ClipModel"/> uses <see cref="ClipModelConfig.ProjectionDim"/>).</summary>
    /// <value>Default 512.</value>
    [JsonPropertyName("projection_dim")]
    public int ProjectionDim { get; init; } = 512;

    /// <summary>The number of encoder layers.</summary>
    /// <value>At least 1. Default 12.</value>
    [JsonPropertyName("num_hidden_layers")]
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>The number of attention heads per layer.</summary>
    /// <value>At least 1 and dividing <see cref="HiddenSize"/>. Default 12.</value>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; init; } = 12;

    /// <summary>The number of input channels.</summary>
    /// <value>At least 1 (3 for RGB, the only layout <see cref="ClipImageProcessor"/> produces). Default 3.</value>
    [JsonPropertyName("num_channels")]
    public int NumChannels { get; init; } = 3;

    /// <summary>The side of the square input image in pixels.</summary>
    /// <value>At least <see cref="PatchSize"/>. Default 224.</value>
    [JsonPropertyName("image_size")]
    public int ImageSize { get; init; } = 224;

    /// <summary>The side of a square patch (the kernel and stride of <c>patch_embedding</c>).</summary>
    /// <value>At least 1. Default 32.</value>
    [JsonPropertyName("patch_size")]
    public int PatchSize { get; init; } = 32;

    /// <summary>The MLP activation (<c>hidden_act</c>: <c>"quick_gelu"</c> or <c>"gelu"</c>; other names are rejected when read).</summary>
    /// <value>Default <see cref="ClipActivation.QuickGelu"/>.</value>
    [JsonPropertyName("hidden_act")]
    [JsonConverter(typeof(SnakeCaseEnumJsonConverter<ClipActivation>))]
    public ClipActivation HiddenAct { get; init; } = ClipActivation.QuickGelu;

    /// <summary>The epsilon of every LayerNorm.</summary>
    /// <value>Finite and positive. Default 1e-5.</value>
    [JsonPropertyName("layer_norm_eps")]
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary>The dropout probability. Only 0 is supported.</summary>
    /// <value>0. Default 0.</value>
    [JsonPropertyName("dropout")]
    public double Dropout { get; init; }

    /// <summary>The dropout probability of the attention weights. Only 0 is supported.</summary>
    /// <value>0. Default 0.</value>
    [JsonPropertyName("attention_dropout")]
    public double AttentionDropout { get; init; }

    /// <summary>The number of patches per side, <c>image_size / patch_size</c> (rounded down, as the convolution does).</summary>
    [JsonIgnore]
    public int PatchesPerSide => PatchSize > 0 ? ImageSize / PatchSize : 0;

    /// <summary>The number of positions: one class token plus <c>PatchesPerSide²</c> patches (50 for ViT-B/32, 257 for ViT-L/14).</summary>
    [JsonIgnore]
    public int NumPositions => (PatchesPerSide * PatchesPerSide) + 1;

    /// <summary>Checks every value at once.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unsupported; the message names the config key and the value.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        AtLeastOne(errors, "hidden_size", HiddenSize);
        AtLeastOne(errors, "intermediate_size", IntermediateSize);
        AtLeastOne(errors, "num_hidden_layers", NumHiddenLayers);
        AtLeastOne(errors, "num_attention_heads", NumAttentionHeads);
        AtLeastOne(errors, "num_channels", NumChannels);
        AtLeastOne(errors, "patch_size", PatchSize);
        if (HiddenSize >= 1 && NumAttentionHeads >= 1 && HiddenSize % NumAttentionHeads != 0)
        {
            errors.Add($"hidden_size ({HiddenSize}) must be divisible by num_attention_heads ({NumAttentionHeads})");
        }

        if (PatchSize >= 1 && ImageSize < PatchSize)
        {
            errors.Add($"image_size ({ImageSize}) must be at least patch_size ({PatchSize})");
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

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid vision_config: {string.Join("; ", errors)}.");
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
