using Dvar.Stopping.TorchSharp.Personalization.Scoring;

namespace Dvar.Cli.Evaluation;

/// <summary>One evaluated artifact: what it was, its cost when known, and its scores.</summary>
/// <param name="Target">What was evaluated.</param>
/// <param name="Placeholder">The concept's text in the prompts.</param>
/// <param name="Scores">The scores.</param>
/// <param name="Folder">The folder its images were saved to, or null.</param>
internal sealed record EvaluationRow(EvaluationTarget Target, string Placeholder, ConceptScores Scores, string? Folder);
