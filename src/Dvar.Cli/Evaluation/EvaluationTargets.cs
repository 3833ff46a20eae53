using System.Text.Json;
using Dvar.Cli.Input;

namespace Dvar.Cli.Evaluation;

/// <summary>Turns <c>--run</c> folders and <c>--artifact</c> into <see cref="EvaluationTarget"/>s, before any model loads.</summary>
internal static class EvaluationTargets
{
    /// <summary>The artifact file names the library writes (<c>TextualInversion.EmbeddingsFileName</c> and friends).</summary>
    private const string EmbeddingsFile = "learned_embeds.safetensors";
    private const string LoraFile = "pytorch_lora_weights.safetensors";
    private const string CustomDiffusionFile = "pytorch_custom_diffusion_weights.safetensors";

    /// <summary>Resolves the request's runs or artifact.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The targets, in the order given.</returns>
    /// <exception cref="UsageException">Neither or both of <c>--run</c> and <c>--artifact</c> were given, or <c>--images</c> is missing.</exception>
    /// <exception cref="InputDataException">A run folder or artifact does not exist or its summary is unreadable.</exception>
    public static IReadOnlyList<EvaluationTarget> Resolve(EvaluateRequest request)
    {
        if ((request.Runs.Count > 0) == (request.Artifact is not null))
        {
            throw new UsageException("give either --run DIR (one or more dvar train output folders) or --artifact PATH with --images DIR.");
        }

        if (request.Artifact is { } artifact)
        {
            if (request.Images is null)
            {
                throw new UsageException("--artifact needs --images DIR, the concept's images the scores compare with.");
            }

            return [FromArtifact(artifact, request.Images, request.Token)];
        }

        if (request.Templates is not null)
        {
            throw new UsageException("--templates applies only with --artifact; a run's training prompts come from its templates.");
        }

        return [.. request.Runs.Select(run => FromRun(run, request.Images, request.Token))];
    }

    /// <summary>Reads a <c>dvar train</c> output folder's <c>training-summary.json</c>.</summary>
    private static EvaluationTarget FromRun(string folder, string? images, string? token)
    {
        string summaryPath = Path.Combine(folder, "training-summary.json");
        if (!File.Exists(summaryPath))
        {
            throw new InputDataException($"--run '{folder}' is not a dvar train output folder: it has no training-summary.json.");
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(summaryPath));
            var root = json.RootElement;
            string method = root.GetProperty("method").GetString() ?? throw new InvalidDataException("method is null");
            string placeholder = root.GetProperty("placeholder").GetString() ?? throw new InvalidDataException("placeholder is null");
            string? imagesOfRun = root.TryGetProperty("images", out var i) ? i.GetString() : null;
            var artifacts = root.GetProperty("artifacts").EnumerateArray().Select(a => Path.Combine(folder, a.GetString()!)).ToList();
            var templates = root.TryGetProperty("templates", out var t) ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : null;
            long steps = root.TryGetProperty("savedStep", out var saved) && saved.ValueKind == JsonValueKind.Number
                ? saved.GetInt64()
                : root.GetProperty("stepsTrained").GetInt64();
            double seconds = Seconds(root, "trainingSeconds") + Seconds(root, "evaluationSeconds") + Seconds(root, "scoringSeconds");
            string concept = images ?? imagesOfRun ?? throw new UsageException(
                $"--run '{folder}' does not say where its images are (a summary from before this version); give --images DIR.");
            return new EvaluationTarget(
                Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))),
                method,
                method == "custom-diffusion" ? [folder] : artifacts,
                token ?? placeholder,
                concept,
                templates,
                steps,
                seconds / 60,
                Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputDataException($"--run '{folder}': {summaryPath} cannot be read: {e.Message}", innerException: e);
        }
    }

    private static double Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    /// <summary>Recognises an artifact by its file name: a Custom Diffusion folder, a LoRA file, or token embeddings.</summary>
    private static EvaluationTarget FromArtifact(string path, string images, string? token)
    {
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, CustomDiffusionFile)))
            {
                return new(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))), "custom-diffusion", [path], token, images, null, null, null);
            }

            if (File.Exists(Path.Combine(path, LoraFile)))
            {
                return FromArtifact(Path.Combine(path, LoraFile), images, token);
            }

            if (File.Exists(Path.Combine(path, EmbeddingsFile)))
            {
                return FromArtifact(Path.Combine(path, EmbeddingsFile), images, token);
            }

            throw new InputDataException(
                $"--artifact '{path}' holds none of {CustomDiffusionFile}, {LoraFile} or {EmbeddingsFile}.");
        }

        if (!File.Exists(path))
        {
            throw new InputDataException($"--artifact '{path}' does not exist.");
        }

        string name = Path.GetFileName(path);
        if (name.Equals(LoraFile, StringComparison.OrdinalIgnoreCase))
        {
            // A token trained with the LoRA is saved beside it.
            string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, EmbeddingsFile);
            return new(name, "dreambooth-lora", File.Exists(beside) ? [path, beside] : [path], token, images, null, null, null);
        }

        return new(name, "textual-inversion", [path], token, images, null, null, null);
    }
}
