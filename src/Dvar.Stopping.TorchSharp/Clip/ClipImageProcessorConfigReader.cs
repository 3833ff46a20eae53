using System.Text.Json;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>Maps the keys of a <c>preprocessor_config.json</c> (either layout) onto a <see cref="ClipImageProcessorConfig"/>.</summary>
internal static class ClipImageProcessorConfigReader
{
    /// <summary>PIL's <c>Image.BICUBIC</c>, the only <c>resample</c> value CLIP's processors use.</summary>
    private const int PilBicubic = 3;

    /// <summary>Reads the settings (not yet validated).</summary>
    /// <param name="root">The document's root.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="JsonException">A key has the wrong JSON type, the processor type is not CLIP's, or the resampling is not bicubic; the message names the key.</exception>
    public static ClipImageProcessorConfig FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"expected a JSON object; got {root.ValueKind}.");
        }

        CheckProcessorType(root, "feature_extractor_type");
        CheckProcessorType(root, "image_processor_type");
        if (root.TryGetProperty("resample", out var resample) && Int(resample, "resample") != PilBicubic)
        {
            throw new JsonException($"resample = {resample.GetRawText()} is not supported; expected {PilBicubic} (PIL bicubic).");
        }

        var config = new ClipImageProcessorConfig();
        if (root.TryGetProperty("size", out var size))
        {
            config = size.ValueKind == JsonValueKind.Number
                ? config with { ShortestEdge = Int(size, "size") }
                : config with
                {
                    ShortestEdge = OptionalInt(size, "shortest_edge", "size"),
                    ResizeHeight = OptionalInt(size, "height", "size"),
                    ResizeWidth = OptionalInt(size, "width", "size"),
                };
        }

        if (root.TryGetProperty("crop_size", out var crop))
        {
            config = crop.ValueKind == JsonValueKind.Number
                ? config with { CropHeight = Int(crop, "crop_size"), CropWidth = Int(crop, "crop_size") }
                : config with
                {
                    CropHeight = OptionalInt(crop, "height", "crop_size") ?? throw new JsonException("crop_size has no 'height'."),
                    CropWidth = OptionalInt(crop, "width", "crop_size") ?? throw new JsonException("crop_size has no 'width'."),
                };
        }

        return config with
        {
            DoResize = Bool(root, "do_resize", config.DoResize),
            DoCenterCrop = Bool(root, "do_center_crop", config.DoCenterCrop),
            DoRescale = Bool(root, "do_rescale", config.DoRescale),
            RescaleFactor = root.TryGetProperty("rescale_factor", out var factor) ? Double(factor, "rescale_factor") : config.RescaleFactor,
            DoNormalize = Bool(root, "do_normalize", config.DoNormalize),
            ImageMean = Doubles(root, "image_mean") ?? config.ImageMean,
            ImageStd = Doubles(root, "image_std") ?? config.ImageStd,
        };
    }

    private static void CheckProcessorType(JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        string? name = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (name is not ("CLIPFeatureExtractor" or "CLIPImageProcessor" or "CLIPImageProcessorFast"))
        {
            throw new JsonException($"{key} = {value.GetRawText()} is not a CLIP image processor; expected \"CLIPFeatureExtractor\" or \"CLIPImageProcessor\".");
        }
    }

    private static int? OptionalInt(JsonElement obj, string key, string parent)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"{parent} must be a number or an object; got {obj.ValueKind}.");
        }

        return obj.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? Int(value, $"{parent}.{key}") : null;
    }

    private static int Int(JsonElement value, string key) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw new JsonException($"{key} must be an integer; got {value.GetRawText()}.");

    private static double Double(JsonElement value, string key) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new JsonException($"{key} must be a number; got {value.GetRawText()}.");

    private static bool Bool(JsonElement root, string key, bool fallback)
    {
        if (!root.TryGetProperty(key, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new JsonException($"{key} must be true or false; got {value.GetRawText()}."),
        };
    }

    private static double[]? Doubles(JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"{key} must be an array of numbers; got {value.GetRawText()}.");
        }

        return [.. value.EnumerateArray().Select((v, i) => Double(v, $"{key}[{i}]"))];
    }
}
