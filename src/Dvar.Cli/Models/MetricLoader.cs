using Dvar.Cli.Input;
using Dvar.Stopping.TorchSharp.Clip;
using Dvar.Stopping.TorchSharp.Dino;

namespace Dvar.Cli.Models;

/// <summary>Loads the metric models of <c>dvar evaluate</c> and <c>dvar train --clip</c> on the device and in the dtype of
/// <c>--device</c> / <c>--dtype</c>, turning load failures into input errors that name the option and the folder.</summary>
internal static class MetricLoader
{
    /// <summary>Loads a Hugging Face CLIP folder.</summary>
    /// <param name="folder"><c>--clip</c>.</param>
    /// <param name="model">The model options (device, dtype).</param>
    /// <returns>The metric; the caller disposes it.</returns>
    /// <exception cref="InputDataException">The folder is missing or does not load.</exception>
    public static ClipMetric LoadClip(string folder, ModelRequest model) =>
        Load("--clip", folder, () => ClipMetric.FromPretrained(folder, PipelineLoader.ResolveDevice(model.Device), PipelineLoader.ToScalarType(model.Dtype)));

    /// <summary>Loads a Hugging Face ViT (DINO) folder.</summary>
    /// <param name="folder"><c>--dino</c>.</param>
    /// <param name="model">The model options (device, dtype).</param>
    /// <returns>The metric; the caller disposes it.</returns>
    /// <exception cref="InputDataException">The folder is missing or does not load.</exception>
    public static DinoMetric LoadDino(string folder, ModelRequest model) =>
        Load("--dino", folder, () => DinoMetric.FromPretrained(
            folder, PipelineLoader.ResolveDevice(model.Device), PipelineLoader.ToScalarType(model.Dtype), Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))));

    private static T Load<T>(string option, string folder, Func<T> load)
    {
        if (!Directory.Exists(folder))
        {
            throw new InputDataException($"{option}: the folder '{folder}' does not exist.");
        }

        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new InputDataException($"{option} '{folder}' does not load: {e.Message}", innerException: e);
        }
        catch (ArgumentException e)
        {
            throw new InputDataException($"{option} '{folder}' does not load: {ArgumentMessages.Describe(e)}", innerException: e);
        }
    }
}
