namespace Dvar.Stopping.Training;

/// <summary>One step as the <see cref="StoppingMonitor"/> saw it: both losses and the criterion's decision.</summary>
/// <param name="Step">The training step number given by the training loop.</param>
/// <param name="TrainingLoss">The step's training loss as given: null when the loop did not report one; NaN and
/// infinities are kept as they are (the training loss never reaches the criterion).</param>
/// <param name="DeterministicLoss">The evaluator's loss fed to the criterion (may be non-finite: the criterion's
/// <see cref="NonFinitePolicy"/> decided what to do with it).</param>
/// <param name="Decision">The criterion's decision for this step.</param>
public readonly record struct MonitorRecord(long Step, double? TrainingLoss, double DeterministicLoss, StopDecision Decision)
{
    /// <summary>The criterion's statistic at this step, or null while undefined.</summary>
    public double? Statistic => Decision.Statistic;

    /// <summary>Whether the criterion said stop at this step (sticky once it has fired).</summary>
    public bool ShouldStop => Decision.ShouldStop;
}
