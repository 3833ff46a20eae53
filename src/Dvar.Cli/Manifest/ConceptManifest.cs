using System.Globalization;
using System.Text.Json;
using Dvar.Cli.Input;

namespace Dvar.Cli.Manifest;

/// <summary>A work list for <c>dvar train --manifest FILE --index N</c>: a JSON Lines file, one concept to train per
/// non-blank line.</summary>
/// <remarks>
/// <para>Each line is a JSON object with <c>method</c> (<c>textual-inversion</c>, <c>dreambooth-lora</c> or
/// <c>custom-diffusion</c>), <c>images</c>, <c>token</c>, <c>out</c> (strings) and optionally <c>options</c>: an object of
/// further <c>dvar train</c> options by name, with or without the leading <c>--</c> (<c>"max-steps": 500</c>,
/// <c>"init-token": "toy"</c>, <c>"center-crop": true</c>); a string or number is the option's value, <c>true</c> gives a
/// flag, <c>false</c> and <c>null</c> leave the option out. Paths are used as given, relative to the working directory,
/// as on the command line. Entries are numbered from 0 in file order; blank lines do not count.</para>
/// </remarks>
internal static class ConceptManifest
{
    private static readonly string[] Fields = ["method", "images", "token", "out", "options"];

    /// <summary>Reads the entries of a manifest.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The entries, in order.</returns>
    /// <exception cref="InputDataException">The file cannot be read, or a line is not a valid entry; the message names the
    /// file, the line number and the field.</exception>
    public static IReadOnlyList<ManifestEntry> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"--manifest '{path}' cannot be read: {e.Message}", innerException: e);
        }

        var entries = new List<ManifestEntry>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                entries.Add(Parse(path, i + 1, lines[i]));
            }
        }

        return entries.Count > 0 ? entries : throw new InputDataException($"--manifest '{path}' holds no entries (one JSON object per line).");
    }

    private static ManifestEntry Parse(string path, int line, string text)
    {
        string where = string.Create(CultureInfo.InvariantCulture, $"--manifest '{path}' line {line}");
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{where}: not valid JSON ({e.Message})", innerException: e);
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InputDataException($"{where}: expected a JSON object with method, images, token and out; got {root.ValueKind}.");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!Fields.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new InputDataException($"{where}: unknown field '{property.Name}' (the fields are {string.Join(", ", Fields)}; other dvar train options go into \"options\").");
                }
            }

            string method = Required(root, "method", where);
            var arguments = new List<string> { method, "--images", Required(root, "images", where), "--token", Required(root, "token", where), "--out", Required(root, "out", where) };
            if (root.TryGetProperty("options", out var options) && options.ValueKind != JsonValueKind.Null)
            {
                if (options.ValueKind != JsonValueKind.Object)
                {
                    throw new InputDataException($"{where}: options must be a JSON object of option names and values; got {options.ValueKind}.");
                }

                foreach (var option in options.EnumerateObject())
                {
                    arguments.AddRange(Option(option, where));
                }
            }

            return new ManifestEntry(line, method, Required(root, "out", where), arguments);
        }
    }

    private static string Required(JsonElement root, string field, string where) =>
        root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InputDataException($"{where}: the field '{field}' must be a non-empty string.");

    private static IEnumerable<string> Option(JsonProperty option, string where)
    {
        string name = option.Name.StartsWith("--", StringComparison.Ordinal) ? option.Name : "--" + option.Name;
        if (name is "--images" or "--token" or "--out")
        {
            throw new InputDataException($"{where}: options.{option.Name}: give {name[2..]} as a field of the entry, not as an option.");
        }

        return option.Value.ValueKind switch
        {
            JsonValueKind.String => [name, option.Value.GetString()!],
            JsonValueKind.Number => [name, option.Value.GetRawText()],
            JsonValueKind.True => [name],
            JsonValueKind.False or JsonValueKind.Null => [],
            _ => throw new InputDataException($"{where}: options.{option.Name} must be a string, a number, true, false or null; got {option.Value.ValueKind}."),
        };
    }
}
