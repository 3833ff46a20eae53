using System.Text.Json.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>The configuration of a <see cref="ClipModel"/>: transformers' <c>CLIPConfig</c>, read from a CLIP folder's <c>config.json</c>.</summary>
/// <remarks>
/// <para>Read as transformers resolves the published files: <c>text_config</c> and <c>vision_config</c> are the sub-configs
/// (missing keys take the defaults of <see cref="ClipTextConfig"/> and <see cref="ClipVisionConfig"/>); when the file also has
/// <c>text_config_dict</c> (or <c>vision_config_dict</c>, as openai/clip-vit-large-patch14 does), that dictionary over the
/// defaults replaces the sub-config entirely. Both projections use the top-level <see cref="ProjectionDim"/>, not the
/// sub-configs' <c>projection_dim</c>.</para>
/// <para>The sub-configs' <c>eos_token_id</c> does not matter: <see cref="ClipModel"/> always pools the text at the first
/// end-of-text token (id 49407).</para>
/// </remarks>
[JsonConverter(typeof(ClipModelConfigJsonConverter))]
public sealed record ClipModelConfig
{
    /// <summary>The text tower (<c>text_config</c>, or <c>text_config_dict</c> over the defaults when present).</summary>
    /// <value>Default: transformers' <c>CLIPTextConfig</c> defaults (512 wide, 12 layers, 8 heads).</value>
    public ClipTextConfig TextConfig { get; init; } = new();

    /// <summary>The vision tower (<c>vision_config</c>, or <c>vision_config_dict</c> over the defaults when present).</summary>
    /// <value>Default: transformers' <c>CLIPVisionConfig</c> defaults (ViT-B/32).</value>
    public ClipVisionConfig VisionConfig { get; init; } = new();

    /// <summary>The width of the joint embedding space: the output of <c>visual_projection</c> and <c>text_projection</c>.</summary>
    /// <value>At least 1. Default 512.</value>
    public int ProjectionDim { get; init; } = 512;

    /// <summary>The initial value of <c>logit_scale</c> (a log; informational, the weights file holds the trained value).</summary>
    /// <value>Default 2.6592 (= ln(1 / 0.07)).</value>
    public double LogitScaleInitValue { get; init; } = 2.6592;

    /// <summary>Checks every value of both sub-configs and the projection at once.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unsupported; the message names the key.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        Collect(errors, TextConfig.Validate);
        Collect(errors, VisionConfig.Validate);
        if (ProjectionDim < 1)
        {
            errors.Add($"projection_dim must be at least 1; got {ProjectionDim}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(ClipModelConfig)}: {string.Join(" ", errors)}");
        }

        static void Collect(List<string> errors, Action validate)
        {
            try
            {
                validate();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
        }
    }
}
