using Dvar.Stopping.TorchSharp.Personalization.Scoring;
namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>Why a <see cref="PersonalizationTrainer"/> run ended (cancellation throws instead: see <see cref="PersonalizationTrainer.Train"/>).</summary>
/// <remarks>The numeric values are written to training summaries: never rename or renumber them.</remarks>
public enum TrainingStopReason
{
    /// <summary>The stopping criterion said stop (its own <see cref="StopReason"/> is in <see cref="TrainingResult.Decision"/>).</summary>
    CriterionFired = 1,

    /// <summary>The step cap was reached before the criterion fired (or nothing was evaluated).</summary>
    StepCap = 2,

    /// <summary>The criterion on the periodic sample scores (<see cref="SampleScoringOptions.Criterion"/>, the paper's CLIP-s)
    /// said stop; the artifacts are the best-scoring parameters (<see cref="TrainingResult.SavedStep"/>).</summary>
    ScoreCriterionFired = 3,
}
