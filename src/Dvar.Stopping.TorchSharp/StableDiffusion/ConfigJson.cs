using System.Text.Json;

namespace Dvar.Stopping.TorchSharp.StableDiffusion;

/// <summary>Reads a diffusers / transformers <c>config.json</c> into a config record.</summary>
/// <remarks>
/// Keys are mapped by each record's <c>[JsonPropertyName]</c> attributes (the files are snake_case). Unknown keys are ignored,
/// as diffusers ignores keys a class does not know; keys missing from the file keep the record's initialisers (diffusers'
/// defaults), and C# <c>required</c> members must be present. Every failure is an <see cref="InvalidDataException"/> that
/// names the file.
/// </remarks>
internal static class ConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        RespectNullableAnnotations = true,
    };

    /// <summary>Reads and deserializes a config file.</summary>
    /// <typeparam name="T">The config record.</typeparam>
    /// <param name="path">The JSON file.</param>
    /// <returns>The config.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON, lacks a required key, or a value has the wrong type.</exception>
    public static T Read<T>(string path)
        where T : class
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Config file not found: {path}", path);
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream, Options)
                ?? throw new InvalidDataException($"{path}: the config is JSON null, expected an object.");
        }
        catch (JsonException e)
        {
            throw Invalid<T>(path, e);
        }
    }

    /// <summary>Parses a config from JSON text (for configs embedded in other documents and for tests).</summary>
    /// <typeparam name="T">The config record.</typeparam>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">A name for the source, used in error messages.</param>
    /// <returns>The config.</returns>
    /// <exception cref="InvalidDataException">The text is not valid JSON, lacks a required key, or a value has the wrong type.</exception>
    public static T Parse<T>(string json, string source)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InvalidDataException($"{source}: the config is JSON null, expected an object.");
        }
        catch (JsonException e)
        {
            throw Invalid<T>(source, e);
        }
    }

    /// <summary>Names the source, the config type and the JSON path (the key) of a deserialization failure.</summary>
    private static InvalidDataException Invalid<T>(string source, JsonException e)
    {
        string where = e.Path is { Length: > 0 } p ? $" at {p}" : string.Empty;
        return new InvalidDataException($"{source}: invalid {typeof(T).Name}{where}: {e.Message}", e);
    }
}
