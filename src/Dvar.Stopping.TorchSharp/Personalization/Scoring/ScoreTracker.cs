using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Stopping.IO;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.Training;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>The periodic scoring of one training run: the score history, the optional stopping criterion on the train image
/// score, and (with a criterion) a copy of the best-scoring parameters.</summary>
internal sealed class ScoreTracker : IDisposable
{
    /// <summary>The scores file written next to <c>history.csv</c>.</summary>
    public const string CsvFileName = "scores.csv";

    private const string StateFile = "scoring.json";
    private const string BestFile = "scoring-best.safetensors";
    private const string Format = "dvar-stopping/scoring-state";
    private const int Version = 1;

    private readonly PersonalizationMethod _method;
    private readonly List<ScoredStep> _history = [];
    private readonly Stopwatch _clock = new();
    private TimeSpan _earlierTime;
    private Dictionary<string, Tensor>? _best;

    /// <summary>Prepares the tracker.</summary>
    /// <param name="options">Validated scoring options.</param>
    /// <param name="method">The method whose trainable parameters are snapshotted.</param>
    public ScoreTracker(SampleScoringOptions options, PersonalizationMethod method)
    {
        Options = options;
        _method = method;
    }

    /// <summary>Gets the options.</summary>
    public SampleScoringOptions Options { get; }

    /// <summary>Gets the scores so far, in step order.</summary>
    public IReadOnlyList<ScoredStep> History => _history;

    /// <summary>Gets the step with the highest train image score (the first on ties), or null before the first scoring.</summary>
    public ScoredStep? Best { get; private set; }

    /// <summary>Gets whether the criterion has fired.</summary>
    public bool ShouldStop => Options.Criterion?.HasFired ?? false;

    /// <summary>Gets the criterion's last decision, or null.</summary>
    public StopDecision? LastDecision { get; private set; }

    /// <summary>Gets the time spent sampling and scoring, earlier sessions included.</summary>
    public TimeSpan Time => _earlierTime + _clock.Elapsed;

    /// <summary>Samples and scores the current parameters as step <paramref name="step"/>.</summary>
    /// <param name="step">The steps taken.</param>
    /// <param name="cancellationToken">Checked between denoising steps.</param>
    /// <returns>The scores.</returns>
    public ConceptScores Score(long step, CancellationToken cancellationToken)
    {
        var pipeline = _method.Pipeline!;
        bool unetTraining = pipeline.Unet.training;
        bool textTraining = pipeline.TextEncoder.training;
        _clock.Start();
        try
        {
            pipeline.Unet.eval();
            pipeline.TextEncoder.eval();
            var scores = Options.Scorer.Score(pipeline, cancellationToken);
            var scored = new ScoredStep(step, scores);
            _history.Add(scored);
            if (Best is null || scores.TrainImage > Best.Scores.TrainImage)
            {
                Best = scored;
                if (Options.Criterion is not null)
                {
                    Snapshot();
                }
            }

            if (Options.Criterion is { HasFired: false } criterion)
            {
                LastDecision = criterion.Observe(scores.TrainImage);
            }

            return scores;
        }
        finally
        {
            _clock.Stop();
            pipeline.Unet.train(unetTraining);
            pipeline.TextEncoder.train(textTraining);
        }
    }

    /// <summary>Copies the best-scoring parameters back into the method (with a criterion; otherwise does nothing).</summary>
    /// <returns>The step restored, or null when nothing was restored.</returns>
    public long? RestoreBest()
    {
        if (_best is null || Best is null)
        {
            return null;
        }

        using var noGrad = no_grad();
        foreach (var (name, parameter) in _method.TrainableParameters)
        {
            parameter.copy_(_best[name]);
        }

        return Best.Step;
    }

    /// <summary>Writes <c>step,train_img,val_img,val_txt,train_img_all_pairs,dino_img</c>, one line per scoring (empty cells
    /// where a score was not computed).</summary>
    /// <param name="path">The file (replaced atomically).</param>
    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, writer =>
    {
        writer.WriteLine("step,train_img,val_img,val_txt,train_img_all_pairs,dino_img");
        foreach (var (step, scores) in _history)
        {
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{step},{scores.TrainImage:R},{Cell(scores.ValidationImage)},{Cell(scores.ValidationText)},{Cell(scores.TrainImageAllPairs)},{Cell(scores.DinoImage)}"));
        }

        static string Cell(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
    });

    /// <summary>Writes the tracker's state into a checkpoint folder being built.</summary>
    /// <param name="folder">The folder.</param>
    public void Save(string folder)
    {
        var history = new JsonArray();
        foreach (var (step, scores) in _history)
        {
            history.Add(new JsonObject
            {
                ["step"] = step,
                ["trainImage"] = MonitorStateJson.FromDouble(scores.TrainImage),
                ["validationImage"] = MonitorStateJson.FromDouble(scores.ValidationImage),
                ["validationText"] = MonitorStateJson.FromDouble(scores.ValidationText),
                ["trainImageAllPairs"] = MonitorStateJson.FromDouble(scores.TrainImageAllPairs),
                ["dinoImage"] = MonitorStateJson.FromDouble(scores.DinoImage),
            });
        }

        var root = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["seconds"] = Time.TotalSeconds,
            ["history"] = history,
            ["bestStep"] = Best?.Step,
            ["criterion"] = Options.Criterion?.SaveState(),
            ["lastDecision"] = LastDecision is { } decision ? MonitorStateJson.FromDecision(decision) : null,
        };
        File.WriteAllText(Path.Combine(folder, StateFile), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (_best is not null)
        {
            SafetensorsFile.Write(Path.Combine(folder, BestFile), _best);
        }
    }

    /// <summary>Restores the tracker from a checkpoint folder.</summary>
    /// <param name="folder">The folder.</param>
    /// <exception cref="FileNotFoundException">A scoring file is missing.</exception>
    /// <exception cref="InvalidDataException">A scoring file is malformed.</exception>
    public void Restore(string folder)
    {
        string path = Path.Combine(folder, StateFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Checkpoint file missing: {path} (the run was checkpointed without sample scoring).", path);
        }

        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("the document is not a JSON object");
            if (root["format"]?.GetValue<string>() != Format || root["version"]?.GetValue<int>() != Version)
            {
                throw new FormatException($"expected format '{Format}' version {Version}");
            }

            _history.Clear();
            var history = root["history"] as JsonArray ?? throw new FormatException("'history' is missing");
            foreach (var entry in history.OfType<JsonObject>())
            {
                var scores = new ConceptScores(
                    MonitorStateJson.ReadNullableDouble(entry, "trainImage") ?? throw new FormatException("a history entry has no trainImage"),
                    MonitorStateJson.ReadNullableDouble(entry, "validationImage"),
                    MonitorStateJson.ReadNullableDouble(entry, "validationText"))
                {
                    // Absent in checkpoints written before these scores existed.
                    TrainImageAllPairs = MonitorStateJson.ReadNullableDouble(entry, "trainImageAllPairs"),
                    DinoImage = MonitorStateJson.ReadNullableDouble(entry, "dinoImage"),
                };
                _history.Add(new ScoredStep(entry["step"]!.GetValue<long>(), scores));
            }

            long? bestStep = MonitorStateJson.ReadNullableLong(root, "bestStep");
            Best = bestStep is { } b ? _history.First(s => s.Step == b) : null;
            if (Options.Criterion is { } criterion)
            {
                criterion.RestoreState(root["criterion"] as JsonObject ?? throw new FormatException("'criterion' is missing"));
            }

            LastDecision = root["lastDecision"] is JsonObject decision ? MonitorStateJson.ReadDecision(decision, "lastDecision") : null;
            _earlierTime = TimeSpan.FromSeconds(root["seconds"]!.GetValue<double>());
            _clock.Reset();
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        string bestPath = Path.Combine(folder, BestFile);
        if (Options.Criterion is not null && Best is not null)
        {
            DisposeBest();
            _best = SafetensorsFile.ReadAll(bestPath);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeBest();

    private void Snapshot()
    {
        DisposeBest();
        using var noGrad = no_grad();
        _best = _method.TrainableParameters.ToDictionary(p => p.Name, p => p.Parameter.detach().to(CPU).clone(), StringComparer.Ordinal);
    }

    private void DisposeBest()
    {
        if (_best is null)
        {
            return;
        }

        foreach (var tensor in _best.Values)
        {
            tensor.Dispose();
        }

        _best = null;
    }
}
