using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.Dino;

/// <summary>
/// The preprocessing of a <see cref="DinoImageProcessor"/>: Hugging Face transformers' <c>ViTImageProcessor</c> settings, read from
/// <c>preprocessor_config.json</c>.
/// </summary>
/// <remarks>
/// Keys missing from the file take <c>ViTImageProcessor</c>'s defaults (listed on each property); other keys
/// (<c>feature_extractor_type</c>, <c>crop_size</c>, <c>do_center_crop</c>, ...) are ignored, as <c>ViTImageProcessor</c> ignores
/// them: it never crops. <c>size</c> may be a number or <c>{"height": h, "width": w}</c> with h = w. Only what
/// <c>facebook/dino-vits16</c> uses is supported: resize on, Pillow bilinear (<c>resample</c> 2), rescale by 1/255, normalize.
/// </remarks>
public sealed record DinoProcessorConfig
{
    /// <summary>Gets the settings of <c>facebook/dino-vits16</c>'s <c>preprocessor_config.json</c>: size 224, bilinear, ImageNet mean and std.</summary>
    public static DinoProcessorConfig DinoVits16 => new()
    {
        Size = 224,
        ImageMean = [0.485, 0.456, 0.406],
        ImageStd = [0.229, 0.224, 0.225],
    };

    /// <summary>Whether images are resized (<c>do_resize</c>); must be true.</summary>
    /// <value>Default true.</value>
    [JsonPropertyName("do_resize")]
    public bool DoResize { get; init; } = true;

    /// <summary>The side of the square output image (<c>size</c>): every image is resized to size x size, ignoring its aspect ratio.</summary>
    /// <value>At least 1. Default 224.</value>
    [JsonPropertyName("size")]
    [JsonConverter(typeof(SquareSizeJsonConverter))]
    public int Size { get; init; } = 224;

    /// <summary>The Pillow resampling filter (<c>resample</c>); only 2 (<c>PIL.Image.BILINEAR</c>) is supported.</summary>
    /// <value>Default 2.</value>
    [JsonPropertyName("resample")]
    public int Resample { get; init; } = 2;

    /// <summary>Whether 0..255 values are multiplied by <see cref="RescaleFactor"/> (<c>do_rescale</c>); must be true.</summary>
    /// <value>Default true.</value>
    [JsonPropertyName("do_rescale")]
    public bool DoRescale { get; init; } = true;

    /// <summary>The rescale factor (<c>rescale_factor</c>); only 1/255 is supported.</summary>
    /// <value>Default 1/255.</value>
    [JsonPropertyName("rescale_factor")]
    public double RescaleFactor { get; init; } = 1.0 / 255;

    /// <summary>Whether <c>(x - mean) / std</c> is applied per channel (<c>do_normalize</c>); must be true.</summary>
    /// <value>Default true.</value>
    [JsonPropertyName("do_normalize")]
    public bool DoNormalize { get; init; } = true;

    /// <summary>The per-channel mean (<c>image_mean</c>).</summary>
    /// <value>Three finite values. Default 0.5, 0.5, 0.5 (dino-vits16: 0.485, 0.456, 0.406).</value>
    [JsonPropertyName("image_mean")]
    public IReadOnlyList<double> ImageMean { get; init; } = [0.5, 0.5, 0.5];

    /// <summary>The per-channel standard deviation (<c>image_std</c>).</summary>
    /// <value>Three finite positive values. Default 0.5, 0.5, 0.5 (dino-vits16: 0.229, 0.224, 0.225).</value>
    [JsonPropertyName("image_std")]
    public IReadOnlyList<double> ImageStd { get; init; } = [0.5, 0.5, 0.5];

    /// <summary>Checks every value at once.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unsupported; the message names every such key and value.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!DoResize)
        {
            errors.Add("do_resize = false is not supported; expected true");
        }

        if (Size < 1)
        {
            errors.Add($"size must be at least 1; got {Size}");
        }

        if (Resample != 2)
        {
            errors.Add($"resample = {Resample} is not supported; expected 2 (PIL.Image.BILINEAR)");
        }

        if (!DoRescale || Math.Abs(RescaleFactor - (1.0 / 255)) > 1e-12)
        {
            errors.Add($"do_rescale = {DoRescale} with rescale_factor = {RescaleFactor} is not supported; expected true and 1/255");
        }

        if (!DoNormalize)
        {
            errors.Add("do_normalize = false is not supported; expected true");
        }

        if (ImageMean is null || ImageMean.Count != 3 || ImageMean.Any(m => !double.IsFinite(m)))
        {
            errors.Add($"image_mean must hold 3 finite values; got [{string.Join(", ", ImageMean ?? [])}]");
        }

        if (ImageStd is null || ImageStd.Count != 3 || ImageStd.Any(s => !double.IsFinite(s) || s <= 0))
        {
            errors.Add($"image_std must hold 3 finite positive values; got [{string.Join(", ", ImageStd ?? [])}]");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(DinoProcessorConfig)}: {string.Join("; ", errors)}.");
        }
    }

    /// <summary>Reads <c>size</c> as a number or as a square <c>{"height": h, "width": w}</c>.</summary>
    private sealed class SquareSizeJsonConverter : JsonConverter<int>
    {
        public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                return reader.GetInt32();
            }

            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("height", out var height) && height.TryGetInt32(out int h)
                && root.TryGetProperty("width", out var width) && width.TryGetInt32(out int w))
            {
                return h == w ? h : throw new JsonException($"size {{height: {h}, width: {w}}} is not square; only square sizes are supported.");
            }

            throw new JsonException($"size must be a number or {{\"height\": h, \"width\": w}}; got {root.GetRawText()}.");
        }

        public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }
}
