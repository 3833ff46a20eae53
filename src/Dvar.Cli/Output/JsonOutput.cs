using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dvar.Cli.Output;

/// <summary>What every <c>--format json</c> writer shares: one compact object per call, nullable numbers, and non-finite
/// numbers as the strings <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>.</summary>
internal static class JsonOutput
{
    /// <summary>Builds one JSON object.</summary>
    /// <param name="write">Writes the object's members.</param>
    /// <returns>The object's compact text.</returns>
    public static string Object(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps tokens such as <cat-toy> readable; the output is a standalone document, never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes a number that may be null (JSON null) or non-finite (a string).</summary>
    /// <param name="json">The writer.</param>
    /// <param name="name">The member name.</param>
    /// <param name="value">The value.</param>
    public static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case { } finite when double.IsFinite(finite):
                json.WriteNumber(name, finite);
                break;
            case { } other:
                json.WriteString(name, other.ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>Writes an integer that may be null.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="name">The member name.</param>
    /// <param name="value">The value.</param>
    public static void WriteNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
