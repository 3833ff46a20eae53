using System.Text.Json;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>The settings of a <see cref="ClipImageProcessor"/>: transformers' <c>CLIPImageProcessor</c>, read from <c>preprocessor_config.json</c>.</summary>
/// <remarks>
/// Both published layouts are read: the <c>CLIPFeatureExtractor</c> era (<c>"size": 224</c> = shortest edge 224,
/// <c>"crop_size": 224</c> = 224x224) and the <c>CLIPImageProcessor</c> one (<c>"size": {"shortest_edge": 224}</c>,
/// <c>"crop_size": {"height": 224, "width": 224}</c>); <c>feature_extractor_type</c> or <c>image_processor_type</c> must name
/// a CLIP processor when present. Keys that are absent take <c>CLIPImageProcessor</c>'s defaults (listed on each property).
/// </remarks>
public sealed record ClipImageProcessorConfig
{
    /// <summary>The CLIP (openai) mean of the R, G, B channels.</summary>
    public static IReadOnlyList<double> OpenAiClipMean { get; } = [0.48145466, 0.4578275, 0.40821073];

    /// <summary>The CLIP (openai) standard deviation of the R, G, B channels.</summary>
    public static IReadOnlyList<double> OpenAiClipStd { get; } = [0.26862954, 0.26130258, 0.27577711];

    /// <summary>Gets whether to resize before cropping (<c>do_resize</c>).</summary>
    /// <value>Default true.</value>
    public bool DoResize { get; init; } = true;

    /// <summary>Gets the side the shorter image side is resized to, the longer side keeping the aspect ratio with truncation (<c>size</c> or <c>size.shortest_edge</c>).</summary>
    /// <value>At least 1, or null when <see cref="ResizeHeight"/> and <see cref="ResizeWidth"/> are set. Default 224.</value>
    public int? ShortestEdge { get; init; } = 224;

    /// <summary>Gets the exact height to resize to (<c>size.height</c>), when the size is given as height and width.</summary>
    /// <value>Null (the default) or at least 1, set together with <see cref="ResizeWidth"/>.</value>
    public int? ResizeHeight { get; init; }

    /// <summary>Gets the exact width to resize to (<c>size.width</c>), when the size is given as height and width.</summary>
    /// <value>Null (the default) or at least 1, set together with <see cref="ResizeHeight"/>.</value>
    public int? ResizeWidth { get; init; }

    /// <summary>Gets whether to cut the centre <see cref="CropHeight"/> x <see cref="CropWidth"/> (<c>do_center_crop</c>).</summary>
    /// <value>Default true.</value>
    public bool DoCenterCrop { get; init; } = true;

    /// <summary>Gets the crop height (<c>crop_size</c> or <c>crop_size.height</c>).</summary>
    /// <value>At least 1. Default 224.</value>
    public int CropHeight { get; init; } = 224;

    /// <summary>Gets the crop width (<c>crop_size</c> or <c>crop_size.width</c>).</summary>
    /// <value>At least 1. Default 224.</value>
    public int CropWidth { get; init; } = 224;

    /// <summary>Gets whether to multiply the 8-bit values by <see cref="RescaleFactor"/> (<c>do_rescale</c>).</summary>
    /// <value>Default true.</value>
    public bool DoRescale { get; init; } = true;

    /// <summary>Gets the rescale factor (<c>rescale_factor</c>).</summary>
    /// <value>Finite and positive. Default 1/255.</value>
    public double RescaleFactor { get; init; } = 1.0 / 255;

    /// <summary>Gets whether to normalise each channel as <c>(x − mean) / std</c> (<c>do_normalize</c>).</summary>
    /// <value>Default true.</value>
    public bool DoNormalize { get; init; } = true;

    /// <summary>Gets the per-channel mean, R, G, B (<c>image_mean</c>).</summary>
    /// <value>Three finite values. Default <see cref="OpenAiClipMean"/>.</value>
    public IReadOnlyList<double> ImageMean { get; init; } = OpenAiClipMean;

    /// <summary>Gets the per-channel standard deviation, R, G, B (<c>image_std</c>).</summary>
    /// <value>Three finite positive values. Default <see cref="OpenAiClipStd"/>.</value>
    public IReadOnlyList<double> ImageStd { get; init; } = OpenAiClipStd;

    /// <summary>Reads a <c>preprocessor_config.json</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The validated settings.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON, a value has the wrong type or range, or it names a non-CLIP processor or resampling filter; the message names the file and the key.</exception>
    public static ClipImageProcessorConfig Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Preprocessor config not found: {path}", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a <c>preprocessor_config.json</c>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">A name for the source, used in error messages.</param>
    /// <returns>The validated settings.</returns>
    /// <exception cref="InvalidDataException">The text is not valid JSON, or a value is wrong (see <see cref="Read"/>).</exception>
    public static ClipImageProcessorConfig Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var config = ClipImageProcessorConfigReader.FromJson(document.RootElement);
            config.Validate();
            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: invalid preprocessor config: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>Checks every value at once.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the key and the value.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        if (ShortestEdge is null && (ResizeHeight is null || ResizeWidth is null))
        {
            errors.Add("size must give shortest_edge, or height and width");
        }

        Positive(errors, "size.shortest_edge", ShortestEdge);
        Positive(errors, "size.height", ResizeHeight);
        Positive(errors, "size.width", ResizeWidth);
        Positive(errors, "crop_size.height", CropHeight);
        Positive(errors, "crop_size.width", CropWidth);
        if (!double.IsFinite(RescaleFactor) || RescaleFactor <= 0)
        {
            errors.Add($"rescale_factor must be finite and positive; got {RescaleFactor}");
        }

        if (ImageMean.Count != 3 || ImageMean.Any(m => !double.IsFinite(m)))
        {
            errors.Add($"image_mean must be three finite values (R, G, B); got [{string.Join(", ", ImageMean)}]");
        }

        if (ImageStd.Count != 3 || ImageStd.Any(s => !double.IsFinite(s) || s <= 0))
        {
            errors.Add($"image_std must be three finite positive values (R, G, B); got [{string.Join(", ", ImageStd)}]");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(ClipImageProcessorConfig)}: {string.Join("; ", errors)}.");
        }
    }

    private static void Positive(List<string> errors, string key, int? value)
    {
        if (value is < 1)
        {
            errors.Add($"{key} must be at least 1; got {value}");
        }
    }
}
