using Microsoft.Extensions.Logging;

namespace Dvar.Stopping.Diagnostics;

/// <summary>The log messages of Dvar.Stopping. Event ids are stable (1000s: the training monitor): never renumber one.</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 1001,
        EventName = "MonitorStep",
        Level = LogLevel.Information,
        Message = "Step {Step}: training loss {TrainingLoss}, deterministic loss {DeterministicLoss}, {Criterion} statistic {Statistic} (threshold {Threshold})")]
    public static partial void MonitorStep(
        ILogger logger, long step, double? trainingLoss, double deterministicLoss, string criterion, double? statistic, double threshold);

    [LoggerMessage(
        EventId = 1002,
        EventName = "MonitorStop",
        Level = LogLevel.Information,
        Message = "Stop at step {Step}: {Criterion} fired ({Reason}) with statistic {Statistic} against threshold {Threshold}; best deterministic loss {BestDeterministicLoss} at step {BestStep}")]
    public static partial void MonitorStop(
        ILogger logger, long step, string criterion, StopReason reason, double? statistic, double threshold, double? bestDeterministicLoss, long? bestStep);

    [LoggerMessage(
        EventId = 1003,
        EventName = "MonitorNonFiniteLoss",
        Level = LogLevel.Warning,
        Message = "Step {Step}: the deterministic loss is {DeterministicLoss}; {Criterion} answered {Reason}")]
    public static partial void MonitorNonFiniteLoss(
        ILogger logger, long step, double deterministicLoss, string criterion, StopReason reason);

    [LoggerMessage(
        EventId = 1004,
        EventName = "MonitorRestored",
        Level = LogLevel.Information,
        Message = "Restored the {Criterion} monitor after step {Step} with {Records} history records")]
    public static partial void MonitorRestored(ILogger logger, string criterion, long? step, int records);

    [LoggerMessage(
        EventId = 1005,
        EventName = "MonitorHistorySaved",
        Level = LogLevel.Debug,
        Message = "Saved {Records} history records of the {Criterion} monitor to {Path}")]
    public static partial void MonitorHistorySaved(ILogger logger, int records, string criterion, string path);
}
