using System.Diagnostics;
using Dvar.Stopping.TorchSharp.Diagnostics;
using Dvar.Stopping.TorchSharp.Personalization.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>Trains a personalization method in the regular, fully random setting and stops it when its deterministic loss
/// has settled (DVAR by default), saving the method's artifacts.</summary>
/// <remarks>
/// <para>The loop: L_det of the initial parameters is observation 1 (step 0); then each step draws a random batch from the
/// training generator, computes the loss, backpropagates, calls <see cref="PersonalizationMethod.OnGradientsComputed"/>,
/// clips the gradient norm, takes an AdamW step, zeroes the gradients and calls
/// <see cref="PersonalizationMethod.OnOptimizerStepped"/>; every
/// <see cref="PersonalizationTrainerOptions.EvaluationFrequency"/> steps the <see cref="DeterministicEvaluator"/>'s L_det
/// goes to the stopping monitor. At the cap, parameters not yet evaluated are evaluated once more. On stop the trainer saves
/// the artifacts of the parameters evaluated last, <c>history.csv</c> and <c>training-summary.json</c> into the output
/// folder.</para>
/// <para>Reproducible: the same options give bit-identical parameters and decisions on the CPU, with or without
/// evaluation (the evaluator has its own generator), and a run resumed from a checkpoint continues exactly as an
/// uninterrupted one.</para>
/// <para>Before step 0 the trainer checks that it can write the output folder (and its <c>checkpoints/</c>): it creates and
/// deletes a hidden probe file there, so an unwritable folder fails at once instead of after the last step.</para>
/// <para>Cancellation is checked before each step (a step and its evaluation complete together): the trainer then writes a
/// checkpoint and throws <see cref="OperationCanceledException"/>, the .NET convention. Resume with
/// <see cref="Resume"/> and the newest checkpoint (<see cref="FindLatestCheckpoint"/>).</para>
/// <para>Runs on the calling thread (wrap it in <c>Task.Run</c> to keep a UI responsive). A trainer runs once; the
/// method's trainable parameters are updated in place.</para>
/// </remarks>
public sealed class PersonalizationTrainer
{
    /// <summary>The name of the history file in the output folder (<c>step,train_loss,det_loss,statistic,stop</c>).</summary>
    public const string HistoryFileName = "history.csv";

    /// <summary>The name of the run summary in the output folder.</summary>
    public const string SummaryFileName = "training-summary.json";

    private readonly ILogger _logger;
    private readonly IProgress<TrainingProgress>? _progress;
    private bool _started;

    /// <summary>Checks the options and prepares a trainer.</summary>
    /// <param name="options">What to train and how.</param>
    /// <param name="logger">Where to log (the monitor logs here too); null logs nowhere.</param>
    /// <param name="progress">Receives a report after step 0 and after every step, synchronously; null reports nothing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or a required option is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the parameter name is the option's.</exception>
    public PersonalizationTrainer(PersonalizationTrainerOptions options, ILogger? logger = null, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _progress = progress;
    }

    /// <summary>The options.</summary>
    public PersonalizationTrainerOptions Options { get; }

    /// <summary>The newest complete checkpoint a run left in an output folder, or null when there is none.</summary>
    /// <param name="outputFolder">The run's <see cref="PersonalizationTrainerOptions.OutputFolder"/>.</param>
    /// <returns>The checkpoint folder (<c>checkpoints/step-NNNNNNNN</c>), or null.</returns>
    /// <exception cref="ArgumentException"><paramref name="outputFolder"/> is null or empty.</exception>
    public static string? FindLatestCheckpoint(string outputFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        return TrainingCheckpoint.FindLatest(outputFolder);
    }

    /// <summary>Trains from the method's current parameters until the criterion fires or the step cap is reached.</summary>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <returns>How the run ended and where its outputs are.</returns>
    /// <exception cref="InvalidOperationException">The trainer has already run.</exception>
    /// <exception cref="UnauthorizedAccessException">The output folder (or its <c>checkpoints/</c>) cannot be created or
    /// written; checked before the first step, the message names the folder.</exception>
    /// <exception cref="IOException">The same, for other reasons (a read-only file system, a file in the way).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; a checkpoint was written first.</exception>
    public TrainingResult Train(CancellationToken cancellationToken = default) => Run(checkpoint: null, cancellationToken);

    /// <summary>Continues a run from a checkpoint, exactly as if it had not been interrupted.</summary>
    /// <param name="checkpointFolder">A checkpoint folder written by a run with the same options (a larger
    /// <see cref="PersonalizationTrainerOptions.MaxSteps"/> or another <see cref="PersonalizationTrainerOptions.CheckpointInterval"/>
    /// is allowed). The method must be freshly attached to a pipeline loaded like the original one.</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <returns>How the run ended and where its outputs are.</returns>
    /// <exception cref="ArgumentException"><paramref name="checkpointFolder"/> is empty, or the checkpoint was written with other
    /// options (seeds, method, batch sizes, ...): the message starts with the option's name.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A checkpoint file is missing.</exception>
    /// <exception cref="InvalidDataException">A checkpoint file is malformed, truncated or damaged, or does not fit the method;
    /// the message names the file.</exception>
    /// <exception cref="FormatException">The saved monitor state does not fit the criterion (another kind or other options).</exception>
    /// <exception cref="InvalidOperationException">The trainer has already run.</exception>
    /// <exception cref="UnauthorizedAccessException">The output folder (or its <c>checkpoints/</c>) cannot be written; checked
    /// before the checkpoint is restored, the message names the folder.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; a checkpoint was written first.</exception>
    public TrainingResult Resume(string checkpointFolder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointFolder);
        return Run(checkpointFolder, cancellationToken);
    }

    private TrainingResult Run(string? checkpoint, CancellationToken cancellationToken)
    {
        if (_started)
        {
            throw new InvalidOperationException("This trainer has already run; create a new trainer (and a fresh criterion) for another run.");
        }

        _started = true;
        var clock = Stopwatch.StartNew();
        OutputFolderProbe.Check(Options.OutputFolder);
        using var session = new TrainingSession(Options, _logger);
        var pipeline = session.Pipeline;
        bool unetTraining = pipeline.Unet.training;
        bool textTraining = pipeline.TextEncoder.training;
        pipeline.Unet.train();
        pipeline.TextEncoder.train();
        try
        {
            string? lastCheckpoint = Start(session, checkpoint, clock);
            lastCheckpoint = Loop(session, clock, lastCheckpoint, cancellationToken);
            return Finish(session, lastCheckpoint);
        }
        finally
        {
            pipeline.Unet.train(unetTraining);
            pipeline.TextEncoder.train(textTraining);
        }
    }

    private string? Start(TrainingSession session, string? checkpoint, Stopwatch clock)
    {
        if (checkpoint is not null)
        {
            TrainingCheckpoint.Restore(session, checkpoint, "checkpointFolder");
            Log.TrainingResumed(_logger, Options.Method.Name, session.Step, checkpoint);
            return checkpoint;
        }

        Log.TrainingStarted(
            _logger,
            Options.Method.Name,
            Options.EffectiveMaxSteps,
            Options.EffectiveBatchSize,
            Options.EffectiveLearningRate,
            session.Monitor.Criterion.Name,
            Options.EvaluationFrequency,
            Options.EffectiveEvaluationBatchSize);
        if (session.Evaluator is not null)
        {
            session.Observe();
        }

        session.Scoring?.Score(0, CancellationToken.None);
        Report(session, clock, startStep: 0, evaluated: session.Evaluator is not null);
        return null;
    }

    private string? Loop(TrainingSession session, Stopwatch clock, string? lastCheckpoint, CancellationToken cancellationToken)
    {
        long startStep = session.Step;
        int frequency = Options.EvaluationFrequency;
        while (!session.ShouldStop && session.Step < Options.EffectiveMaxSteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                string path = TrainingCheckpoint.Write(session, Options.OutputFolder);
                Log.TrainingCancelled(_logger, session.Step, path);
                cancellationToken.ThrowIfCancellationRequested();
            }

            session.TrainStep();
            bool evaluated = frequency > 0 && session.Step % frequency == 0;
            if (evaluated)
            {
                session.Observe();
            }

            if (session.Scoring is { } scoring && session.Step % scoring.Options.Every == 0)
            {
                // Not cancellable, like the evaluation: a checkpoint never splits a step from its scoring.
                scoring.Score(session.Step, CancellationToken.None);
            }

            Report(session, clock, startStep, evaluated);
            if (!session.ShouldStop && Options.CheckpointInterval > 0 && session.Step % Options.CheckpointInterval == 0)
            {
                lastCheckpoint = TrainingCheckpoint.Write(session, Options.OutputFolder);
                Log.CheckpointWritten(_logger, session.Step, lastCheckpoint);
            }
        }

        var monitor = session.Monitor;
        if (monitor.ShouldStop && monitor.LastStep == session.Step)
        {
            session.FiringEvaluationStep = session.Step;
            if (Options.Method.Defaults.OptimizerStepAfterStop && session.Step < Options.EffectiveMaxSteps)
            {
                // The authors' loop evaluates before the optimizer step of the same iteration and breaks at the next one.
                session.TrainStep();
                Report(session, clock, startStep, evaluated: false);
            }
        }
        else if (session.Evaluator is not null && monitor.LastStep != session.Step)
        {
            // The cap fell between evaluations: the saved parameters must be the evaluated ones.
            session.Observe();
        }

        return lastCheckpoint;
    }

    private TrainingResult Finish(TrainingSession session, string? lastCheckpoint)
    {
        var monitor = session.Monitor;
        var scoring = session.Scoring;
        long? restored = scoring?.Options.Criterion is not null ? scoring.RestoreBest() : null;
        if (restored is { } bestStep)
        {
            Log.BestScoredParametersRestored(_logger, bestStep, scoring!.Best!.Scores.TrainImage);
        }

        var artifacts = Options.Method.SaveArtifacts(Options.OutputFolder);
        Log.ArtifactsSaved(_logger, artifacts.Count, Options.Method.Name, session.Step, Options.OutputFolder);
        string history = Path.GetFullPath(Path.Combine(Options.OutputFolder, HistoryFileName));
        monitor.SaveHistoryCsv(history);
        string? scores = null;
        if (scoring is not null)
        {
            scores = Path.GetFullPath(Path.Combine(Options.OutputFolder, ScoreTracker.CsvFileName));
            scoring.WriteCsv(scores);
        }

        var result = new TrainingResult
        {
            StepsTrained = session.Step,
            StopReason = monitor.ShouldStop ? TrainingStopReason.CriterionFired
                : scoring is { ShouldStop: true } ? TrainingStopReason.ScoreCriterionFired
                : TrainingStopReason.StepCap,
            CriterionName = monitor.Criterion.Name,
            Decision = monitor.LastDecision,
            FinalDeterministicLoss = monitor.History.Count > 0 ? monitor.History[^1].DeterministicLoss : null,
            BestStep = monitor.BestStep,
            BestDeterministicLoss = monitor.BestDeterministicLoss,
            TrainingTime = session.TrainingTime,
            EvaluationTime = session.EvaluationTime,
            ScoringTime = scoring?.Time ?? TimeSpan.Zero,
            Scores = scoring?.History.ToArray() ?? [],
            ScoreDecision = scoring?.LastDecision,
            SavedStep = restored ?? session.Step,
            FiringEvaluationStep = session.FiringEvaluationStep,
            ScoresCsvPath = scores,
            ArtifactPaths = artifacts,
            HistoryCsvPath = history,
            SummaryPath = Path.GetFullPath(Path.Combine(Options.OutputFolder, SummaryFileName)),
            CheckpointPath = lastCheckpoint,
        };
        TrainingSummary.Write(result, Options);
        var decision = result.Decision;
        Log.TrainingStopped(
            _logger,
            Options.Method.Name,
            result.StepsTrained,
            result.StopReason,
            result.CriterionName,
            decision?.Reason,
            decision?.Statistic,
            decision?.Threshold,
            result.FinalDeterministicLoss);
        return result;
    }

    private void Report(TrainingSession session, Stopwatch clock, long startStep, bool evaluated)
    {
        if (_progress is null)
        {
            return;
        }

        long done = session.Step - startStep;
        long remaining = Options.EffectiveMaxSteps - session.Step;
        TimeSpan? eta = done > 0 ? clock.Elapsed / done * remaining : null;
        var decision = evaluated ? session.Monitor.LastDecision : null;
        double? loss = evaluated ? session.Monitor.History[^1].DeterministicLoss : null;
        _progress.Report(new TrainingProgress(
            session.Step, Options.EffectiveMaxSteps, session.Step > 0 ? session.LastTrainingLoss : null, loss, decision?.Statistic, clock.Elapsed, eta));
    }
}
