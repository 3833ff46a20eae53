using System.Text.Json;

namespace Dvar.Toy.Pretraining;

/// <summary>The JSON settings of the files the tool writes.</summary>
internal static class Json
{
    /// <summary>Gets indented output, as diffusers writes its config files.</summary>
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true };
}
