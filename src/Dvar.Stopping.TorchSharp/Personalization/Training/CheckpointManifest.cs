using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.Training;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>The <c>checkpoint.json</c> of a training checkpoint: the counters, and the options a resume must not change.</summary>
/// <param name="Step">The optimizer steps taken.</param>
/// <param name="LastTrainingLoss">The last step's training loss, or null at step 0.</param>
/// <param name="TrainingTime">The training time so far.</param>
/// <param name="EvaluationTime">The evaluation time so far.</param>
/// <param name="Run">The options that define the run, by option name, as invariant strings.</param>
internal sealed record CheckpointManifest(
    long Step, double? LastTrainingLoss, TimeSpan TrainingTime, TimeSpan EvaluationTime, IReadOnlyDictionary<string, string> Run)
{
    /// <summary>The <c>format</c> field.</summary>
    public const string Format = "dvar-stopping/training-checkpoint";

    /// <summary>The <c>version</c> this build writes and reads.</summary>
    public const int Version = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The options that a resume must repeat (seeds, method, batch sizes, everything that changes the numbers).</summary>
    /// <param name="options">Validated options.</param>
    /// <returns>Option name to invariant value.</returns>
    public static IReadOnlyDictionary<string, string> RunOf(PersonalizationTrainerOptions options) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(options.Method)] = options.Method.Name,
        [nameof(PersonalizationDefaults.Recipe)] = options.Method.Defaults.Recipe.ToString(),
        [nameof(options.Data)] = options.Data.HasPriorPreservation ? $"{options.Data.Placeholder} with class images" : options.Data.Placeholder,
        [nameof(options.TrainingSeed)] = Invariant(options.TrainingSeed),
        [nameof(options.EvaluationSeed)] = Invariant(options.EvaluationSeed),
        [nameof(options.BatchSize)] = Invariant(options.EffectiveBatchSize),
        [nameof(options.EvaluationBatchSize)] = Invariant(options.EffectiveEvaluationBatchSize),
        [nameof(options.EvaluationFrequency)] = Invariant(options.EvaluationFrequency),
        [nameof(options.FrozenSources)] = options.FrozenSources.ToString(),
        [nameof(options.LearningRate)] = Invariant(options.EffectiveLearningRate),
        [nameof(options.MaxGradientNorm)] = options.EffectiveMaxGradientNorm is { } norm ? Invariant(norm) : "none",
        [nameof(options.PriorLossWeight)] = Invariant(options.EffectivePriorLossWeight),
        [nameof(options.Scoring)] = options.Scoring is { } scoring
            ? $"every {Invariant(scoring.Every)}, {scoring.Scorer.Metric.Name}, criterion {scoring.Criterion?.Name ?? "none"}"
            : "none",
    };

    /// <summary>Reads and checks a manifest.</summary>
    /// <param name="path">The <c>checkpoint.json</c> file.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file and the field.</exception>
    public static CheckpointManifest Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Not a training checkpoint: {path} is missing.", path);
        }

        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("the document is not a JSON object");
            string format = Required(root, "format").GetValue<string>();
            int version = Required(root, "version").GetValue<int>();
            if (format != Format || version != Version)
            {
                throw new FormatException($"format/version: expected \"{Format}\" version {Version}, got \"{format}\" version {version}");
            }

            var run = Required(root, "run").AsObject().ToDictionary(
                kv => kv.Key,
                kv => kv.Value?.GetValue<string>() ?? throw new FormatException($"run.{kv.Key}: expected a string"),
                StringComparer.Ordinal);
            return new CheckpointManifest(
                Required(root, "step").GetValue<long>(),
                MonitorStateJson.ReadNullableDouble(root, "lastTrainingLoss"),
                TimeSpan.FromSeconds(Required(root, "trainingSeconds").GetValue<double>()),
                TimeSpan.FromSeconds(Required(root, "evaluationSeconds").GetValue<double>()),
                run);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: {e.Message}.", e);
        }
    }

    /// <summary>Throws unless every run option of this checkpoint equals the given options'.</summary>
    /// <param name="options">The options of the resuming trainer.</param>
    /// <param name="paramName">The argument to name in the exception.</param>
    /// <exception cref="ArgumentException">An option differs; the message starts with the option's name.</exception>
    public void CheckSameRun(PersonalizationTrainerOptions options, string paramName)
    {
        foreach (var (name, value) in RunOf(options))
        {
            // Checkpoints written before sample scoring existed have no Scoring entry: they were written without it.
            string saved = Run.TryGetValue(name, out var s) ? s : name == nameof(options.Scoring) ? "none" : "(missing)";
            if (saved != value)
            {
                throw new ArgumentException(
                    $"{name}: the checkpoint was written with {saved}, the options give {value}; a resume must repeat the run's {name}.", paramName);
            }
        }
    }

    /// <summary>Writes the manifest as indented JSON.</summary>
    /// <param name="path">The file (inside a checkpoint folder that is still temporary).</param>
    public void Write(string path)
    {
        var run = new JsonObject();
        foreach (var (name, value) in Run)
        {
            run[name] = value;
        }

        var root = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["step"] = Step,
            ["lastTrainingLoss"] = MonitorStateJson.FromDouble(LastTrainingLoss),
            ["trainingSeconds"] = TrainingTime.TotalSeconds,
            ["evaluationSeconds"] = EvaluationTime.TotalSeconds,
            ["run"] = run,
        };
        File.WriteAllText(path, root.ToJsonString(Indented));
    }

    private static JsonNode Required(JsonObject parent, string field) =>
        parent[field] ?? throw new FormatException($"{field}: missing");

    private static string Invariant(IFormattable value) => value.ToString(value is double ? "R" : null, CultureInfo.InvariantCulture);
}
