using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>How a <see cref="PersonalizationTrainer"/> run ended and where its outputs are.</summary>
public sealed record TrainingResult
{
    /// <summary>The number of optimizer steps the saved parameters have had (including those before a resume).</summary>
    public required long StepsTrained { get; init; }

    /// <summary>Why training ended.</summary>
    public required TrainingStopReason StopReason { get; init; }

    /// <summary>The name of the criterion (e.g. <c>dvar</c>).</summary>
    public required string CriterionName { get; init; }

    /// <summary>The criterion's last decision (its reason, statistic, threshold and who fired), or null when nothing was evaluated.</summary>
    public StopDecision? Decision { get; init; }

    /// <summary>The criterion's statistic at the last evaluation (the DVAR ratio), or null while undefined or never evaluated.</summary>
    public double? Statistic => Decision?.Statistic;

    /// <summary>The criterion's threshold, or null when nothing was evaluated.</summary>
    public double? Threshold => Decision?.Threshold;

    /// <summary>L_det of the saved parameters, or null when nothing was evaluated.</summary>
    public double? FinalDeterministicLoss { get; init; }

    /// <summary>The step with the lowest finite L_det, or null when none.</summary>
    public long? BestStep { get; init; }

    /// <summary>The lowest finite L_det, or null when none.</summary>
    public double? BestDeterministicLoss { get; init; }

    /// <summary>Time spent in training steps (batches, forward, backward, optimizer), over all sessions of the run.</summary>
    public required TimeSpan TrainingTime { get; init; }

    /// <summary>Time spent computing L_det, over all sessions of the run.</summary>
    public required TimeSpan EvaluationTime { get; init; }

    /// <summary>Time spent sampling and scoring (<see cref="PersonalizationTrainerOptions.Scoring"/>), over all sessions of the run.</summary>
    public TimeSpan ScoringTime { get; init; }

    /// <summary>The periodic scores, in step order; empty without scoring.</summary>
    public IReadOnlyList<ScoredStep> Scores { get; init; } = [];

    /// <summary>The scoring criterion's last decision, or null without one.</summary>
    public StopDecision? ScoreDecision { get; init; }

    /// <summary>The step whose parameters the artifacts hold: <see cref="StepsTrained"/>, or the best-scoring step when a scoring
    /// criterion is set (the paper's CLIP-s keeps its best checkpoint).</summary>
    public long SavedStep { get; init; }

    /// <summary>The step whose L_det evaluation made the criterion fire (the parameters it judged), or null when the L_det criterion
    /// did not stop the run.</summary>
    /// <remarks><see cref="StepsTrained"/> equals it, or is one more under a recipe with
    /// <see cref="PersonalizationDefaults.OptimizerStepAfterStop"/> (the authors'). The authors report this run as step
    /// <see cref="AuthorsStep"/>.</remarks>
    public long? FiringEvaluationStep { get; init; }

    /// <summary>The step the authors' code reports for this stop: <see cref="FiringEvaluationStep"/> + 1 (their loop steps the
    /// optimizer once more before it breaks), or null when the L_det criterion did not fire.</summary>
    public long? AuthorsStep => FiringEvaluationStep + 1;

    /// <summary>The scores file (<c>step,train_img,val_img,val_txt</c>), or null without scoring.</summary>
    public string? ScoresCsvPath { get; init; }

    /// <summary>The files the method wrote (<see cref="PersonalizationMethod.SaveArtifacts"/>).</summary>
    public required IReadOnlyList<string> ArtifactPaths { get; init; }

    /// <summary>The monitor history (<c>step,train_loss,det_loss,statistic,stop</c>).</summary>
    public required string HistoryCsvPath { get; init; }

    /// <summary>The run summary, <c>training-summary.json</c>.</summary>
    public required string SummaryPath { get; init; }

    /// <summary>The newest checkpoint folder of the run, or null when none was written.</summary>
    public string? CheckpointPath { get; init; }
}
