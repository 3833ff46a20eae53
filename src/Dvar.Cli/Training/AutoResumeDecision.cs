namespace Dvar.Cli.Training;

/// <summary>The decision of <see cref="AutoResume.Decide"/>.</summary>
/// <param name="Checkpoint">The checkpoint to resume from, or null.</param>
/// <param name="CompleteSummary">The finished run's <c>training-summary.json</c> when the run is complete, or null.</param>
internal sealed record AutoResumeDecision(string? Checkpoint, string? CompleteSummary);
