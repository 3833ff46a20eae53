using System.Text.Json;
using System.Text.Json.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>Reads a CLIP <c>config.json</c> into a <see cref="ClipModelConfig"/>, resolving the <c>*_config_dict</c> overrides.</summary>
/// <remarks>transformers' <c>CLIPConfig</c> replaces <c>text_config</c> by <c>CLIPTextConfig(**text_config_dict)</c> when the dict is
/// present (every default key included), and likewise for the vision config.</remarks>
internal sealed class ClipModelConfigJsonConverter : JsonConverter<ClipModelConfig>
{
    /// <inheritdoc/>
    public override ClipModelConfig Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var file = JsonSerializer.Deserialize<ClipModelConfigFile>(ref reader, options)
            ?? throw new JsonException("The config is JSON null, expected an object.");
        var defaults = new ClipModelConfig();
        return new ClipModelConfig
        {
            TextConfig = file.TextConfigDict ?? file.TextConfig ?? defaults.TextConfig,
            VisionConfig = file.VisionConfigDict ?? file.VisionConfig ?? defaults.VisionConfig,
            ProjectionDim = file.ProjectionDim ?? defaults.ProjectionDim,
            LogitScaleInitValue = file.LogitScaleInitValue ?? defaults.LogitScaleInitValue,
        };
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ClipModelConfig value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        JsonSerializer.Serialize(
            writer,
            new ClipModelConfigFile
            {
                TextConfig = value.TextConfig,
                VisionConfig = value.VisionConfig,
                ProjectionDim = value.ProjectionDim,
                LogitScaleInitValue = value.LogitScaleInitValue,
            },
            options);
    }

    /// <summary>The keys of the file as written.</summary>
    private sealed class ClipModelConfigFile
    {
        [JsonPropertyName("text_config")]
        public ClipTextConfig? TextConfig { get; init; }

        [JsonPropertyName("text_config_dict")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public ClipTextConfig? TextConfigDict { get; init; }

        [JsonPropertyName("vision_config")]
        public ClipVisionConfig? VisionConfig { get; init; }

        [JsonPropertyName("vision_config_dict")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public ClipVisionConfig? VisionConfigDict { get; init; }

        [JsonPropertyName("projection_dim")]
        public int? ProjectionDim { get; init; }

        [JsonPropertyName("logit_scale_init_value")]
        public double? LogitScaleInitValue { get; init; }
    }
}
