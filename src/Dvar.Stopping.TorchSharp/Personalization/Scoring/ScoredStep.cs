namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>The concept's scores after a training step.</summary>
/// <param name="Step">The number of optimizer steps taken (0: the initial parameters).</param>
/// <param name="Scores">The scores.</param>
public sealed record ScoredStep(long Step, ConceptScores Scores);
