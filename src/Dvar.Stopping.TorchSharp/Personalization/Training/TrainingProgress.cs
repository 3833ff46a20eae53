namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>What a <see cref="PersonalizationTrainer"/> reports after the initial evaluation (step 0) and after every step.</summary>
/// <param name="Step">The steps trained so far (0 for the evaluation of the initial parameters).</param>
/// <param name="MaxSteps">The step cap.</param>
/// <param name="TrainingLoss">The loss of this step's training batch, or null at step 0.</param>
/// <param name="DeterministicLoss">L_det after this step, or null when this step was not evaluated.</param>
/// <param name="Statistic">The criterion's statistic after this step (the DVAR ratio), or null while undefined or not evaluated.</param>
/// <param name="Elapsed">The wall time of this run so far (since <c>Train</c> or <c>Resume</c> was called).</param>
/// <param name="EstimatedRemaining">The time to reach the step cap at this run's pace so far (an upper bound: the criterion
/// may stop earlier), or null before the first step.</param>
public readonly record struct TrainingProgress(
    long Step,
    long MaxSteps,
    double? TrainingLoss,
    double? DeterministicLoss,
    double? Statistic,
    TimeSpan Elapsed,
    TimeSpan? EstimatedRemaining);
