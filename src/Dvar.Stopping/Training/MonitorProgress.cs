namespace Dvar.Stopping.Training;

/// <summary>What a <see cref="StoppingMonitor"/> reports through <see cref="IProgress{T}"/> after each step.</summary>
/// <param name="Record">The step just observed.</param>
/// <param name="StepsObserved">How many steps the monitor has observed, this one included.</param>
/// <param name="BestStep">The step of the lowest finite deterministic loss so far, or null if none was finite.</param>
/// <param name="BestDeterministicLoss">The lowest finite deterministic loss so far, or null if none was finite.</param>
public readonly record struct MonitorProgress(
    MonitorRecord Record,
    long StepsObserved,
    long? BestStep,
    double? BestDeterministicLoss);
