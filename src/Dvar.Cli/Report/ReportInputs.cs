using System.Text.Json;
using Dvar.Cli.Evaluation;
using Dvar.Cli.Input;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Report;

/// <summary>Finds and reads what <c>dvar report DIR...</c> merges: every <c>training-summary.json</c> (a run) and every
/// <c>evaluation.json</c> (scores of runs) in or under the folders, and matches each evaluated row to its run.</summary>
internal static class ReportInputs
{
    /// <summary>The score columns of <c>evaluation.json</c> rows that a report carries, in table order.</summary>
    public static IReadOnlyList<(string Json, string Header)> ScoreColumns { get; } =
    [
        ("trainClipImage", "train CLIP img"),
        ("trainClipImageAllPairs", "train CLIP img, all pairs"),
        ("validationClipImage", "val CLIP img"),
        ("validationClipText", "val CLIP txt"),
        ("dinoImage", "DINO img"),
    ];

    /// <summary>Reads the runs under the folders.</summary>
    /// <param name="folders">The folders as given: run folders, <c>dvar evaluate --out</c> folders, or folders above them.</param>
    /// <param name="error">Standard error, for warnings (an evaluated row that matches no run, a run evaluated twice).</param>
    /// <returns>The runs, sorted by name.</returns>
    /// <exception cref="InputDataException">A folder is missing or holds neither file, or a file cannot be read; the
    /// message names the file.</exception>
    public static IReadOnlyList<ReportRun> Read(IReadOnlyList<string> folders, TextWriter error)
    {
        var summaries = new SortedSet<string>(StringComparer.Ordinal);
        var evaluations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                throw new InputDataException(File.Exists(folder)
                    ? $"'{folder}' is a file; give the folders that hold {PersonalizationTrainer.SummaryFileName} or {EvaluationOutputFolder.JsonFile}."
                    : $"the folder '{folder}' does not exist.");
            }

            var foundSummaries = Find(folder, PersonalizationTrainer.SummaryFileName);
            var foundEvaluations = Find(folder, EvaluationOutputFolder.JsonFile);
            if (foundSummaries.Count + foundEvaluations.Count == 0)
            {
                throw new InputDataException($"'{folder}' holds no {PersonalizationTrainer.SummaryFileName} or {EvaluationOutputFolder.JsonFile} (in it or below).");
            }

            summaries.UnionWith(foundSummaries);
            evaluations.UnionWith(foundEvaluations);
        }

        var runs = summaries.Select(ReadSummary).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        foreach (string evaluation in evaluations)
        {
            AddScores(runs, evaluation, error);
        }

        return runs;
    }

    private static List<string> Find(string folder, string fileName)
    {
        string top = Path.Combine(folder, fileName);
        return File.Exists(top)
            ? [Path.GetFullPath(top)]
            : [.. Directory.EnumerateFiles(folder, fileName, SearchOption.AllDirectories).Select(Path.GetFullPath)];
    }

    private static ReportRun ReadSummary(string path)
    {
        string folder = Path.GetDirectoryName(path)!;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            string method = root.GetProperty("method").GetString() ?? throw new InvalidDataException("method is null");
            long steps = root.TryGetProperty("savedStep", out var saved) && saved.ValueKind == JsonValueKind.Number
                ? saved.GetInt64()
                : root.GetProperty("stepsTrained").GetInt64();
            double seconds = Seconds(root, "trainingSeconds") + Seconds(root, "evaluationSeconds") + Seconds(root, "scoringSeconds");
            return new ReportRun(
                Path.GetRelativePath(Environment.CurrentDirectory, folder),
                folder,
                method,
                CriterionOf(root),
                root.TryGetProperty("stopReason", out var stop) ? stop.GetString() ?? "-" : "-",
                steps,
                seconds / 60,
                new Dictionary<string, double>(StringComparer.Ordinal),
                null);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path} cannot be read as a dvar train summary: {e.Message}", innerException: e);
        }
    }

    private static string CriterionOf(JsonElement root)
    {
        if (root.TryGetProperty("scoring", out var scoring) && scoring.ValueKind == JsonValueKind.Object
            && scoring.TryGetProperty("criterion", out var onScores) && onScores.ValueKind == JsonValueKind.String)
        {
            return $"{onScores.GetString()} on scores";
        }

        if (root.TryGetProperty("run", out var run) && run.ValueKind == JsonValueKind.Object
            && run.TryGetProperty("EvaluationFrequency", out var frequency) && frequency.ValueKind == JsonValueKind.String && frequency.GetString() == "0")
        {
            return "none (step cap)";
        }

        return root.GetProperty("criterion").GetProperty("name").GetString() ?? "-";
    }

    private static double Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    /// <summary>Gives each row of an <c>evaluation.json</c> to its run: by <c>run</c> (the folder's full path), else, for
    /// files written before that field, by the run folder's name when exactly one run has it.</summary>
    private static void AddScores(List<ReportRun> runs, string path, TextWriter error)
    {
        List<(string? Run, string? Name, Dictionary<string, double> Scores)> rows;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            rows = [.. json.RootElement.GetProperty("rows").EnumerateArray().Select(row => (
                row.TryGetProperty("run", out var run) && run.ValueKind == JsonValueKind.String ? run.GetString() : null,
                row.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
                ScoreColumns
                    .Where(c => row.TryGetProperty(c.Json, out var v) && v.ValueKind == JsonValueKind.Number)
                    .ToDictionary(c => c.Json, c => row.GetProperty(c.Json).GetDouble(), StringComparer.Ordinal)))];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path} cannot be read as a dvar evaluate result: {e.Message}", innerException: e);
        }

        foreach (var (run, name, scores) in rows)
        {
            var matches = run is not null
                ? runs.FindIndex(r => r.Folder == Path.TrimEndingDirectorySeparator(run))
                : runs.Count(r => Path.GetFileName(r.Folder) == name) == 1 ? runs.FindIndex(r => Path.GetFileName(r.Folder) == name) : -1;
            if (matches < 0)
            {
                error.WriteLine($"dvar report: warning: {path}: the row '{name}' ({run ?? "no run folder recorded"}) matches no run given; its scores are left out.");
                continue;
            }

            if (runs[matches].Evaluation is { } earlier)
            {
                error.WriteLine($"dvar report: warning: {runs[matches].Name} is evaluated in {earlier} and in {path}; the scores of {path} are used.");
            }

            runs[matches] = runs[matches] with { Scores = scores, Evaluation = path };
        }
    }
}
