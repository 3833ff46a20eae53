using Dvar.Stopping.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Microsoft.Extensions.Logging;

namespace Dvar.Stopping.TorchSharp.Diagnostics;

/// <summary>The log messages of Dvar.Stopping.TorchSharp. Event ids are stable (2000s: personalization training and
/// evaluation): never renumber one.</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 2001,
        EventName = "TrainingStarted",
        Level = LogLevel.Information,
        Message = "Training {Method} for at most {MaxSteps} steps (batch {BatchSize}, learning rate {LearningRate}); {Criterion} evaluated every {EvaluationFrequency} steps on {EvaluationBatchSize} items")]
    public static partial void TrainingStarted(
        ILogger logger, string method, long maxSteps, int batchSize, double learningRate, string criterion, int evaluationFrequency, int evaluationBatchSize);

    [LoggerMessage(
        EventId = 2002,
        EventName = "TrainingResumed",
        Level = LogLevel.Information,
        Message = "Resumed {Method} after step {Step} from {Checkpoint}")]
    public static partial void TrainingResumed(ILogger logger, string method, long step, string checkpoint);

    [LoggerMessage(
        EventId = 2003,
        EventName = "TrainingStopped",
        Level = LogLevel.Information,
        Message = "Stopped {Method} after {Steps} steps: {StopReason} ({Criterion}: {CriterionReason}, statistic {Statistic}, threshold {Threshold}); deterministic loss {DeterministicLoss}")]
    public static partial void TrainingStopped(
        ILogger logger,
        string method,
        long steps,
        TrainingStopReason stopReason,
        string criterion,
        StopReason? criterionReason,
        double? statistic,
        double? threshold,
        double? deterministicLoss);

    [LoggerMessage(
        EventId = 2004,
        EventName = "CheckpointWritten",
        Level = LogLevel.Information,
        Message = "Checkpoint after step {Step} written to {Path}")]
    public static partial void CheckpointWritten(ILogger logger, long step, string path);

    [LoggerMessage(
        EventId = 2005,
        EventName = "TrainingCancelled",
        Level = LogLevel.Warning,
        Message = "Training cancelled after step {Step}; resume from {Checkpoint}")]
    public static partial void TrainingCancelled(ILogger logger, long step, string checkpoint);

    [LoggerMessage(
        EventId = 2006,
        EventName = "ArtifactsSaved",
        Level = LogLevel.Information,
        Message = "Saved {Count} artifact files of {Method} (step {Step}) to {Folder}")]
    public static partial void ArtifactsSaved(ILogger logger, int count, string method, long step, string folder);

    [LoggerMessage(
        EventId = 2007,
        EventName = "EvaluationBatchBuilt",
        Level = LogLevel.Debug,
        Message = "Built the deterministic evaluation batch: {BatchSize} items, frozen sources {FrozenSources}, seed {Seed}")]
    public static partial void EvaluationBatchBuilt(ILogger logger, int batchSize, FrozenSources frozenSources, long seed);

    [LoggerMessage(
        EventId = 2008,
        EventName = "BestScoredParametersRestored",
        Level = LogLevel.Information,
        Message = "Restored the parameters of step {Step}, the best train image score ({Score})")]
    public static partial void BestScoredParametersRestored(ILogger logger, long step, double score);
}
