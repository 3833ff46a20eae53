namespace Dvar.Cli.Evaluation;

/// <summary>One thing to evaluate: a learned artifact, the concept it was learned from, and the run's cost when known.</summary>
/// <param name="Name">The row's name: the run folder's or the artifact's file name.</param>
/// <param name="Method">The method's name (<c>textual-inversion</c>, <c>dreambooth-lora</c>, <c>custom-diffusion</c>).</param>
/// <param name="Artifacts">The artifact files (or, for Custom Diffusion, the folder holding them).</param>
/// <param name="Placeholder">The text that names the concept in prompts, or null to take the loaded token's.</param>
/// <param name="Images">The concept's image folder.</param>
/// <param name="Templates">The training caption templates, or null for the default object templates.</param>
/// <param name="Steps">The steps the artifact was trained for, when known.</param>
/// <param name="Minutes">The run's wall time in minutes (training, evaluation and sampling), when known.</param>
/// <param name="RunFolder">The <c>dvar train</c> output folder's full path, or null for an artifact (what <c>dvar report</c>
/// matches an evaluation to its run by).</param>
internal sealed record EvaluationTarget(
    string Name,
    string Method,
    IReadOnlyList<string> Artifacts,
    string? Placeholder,
    string Images,
    IReadOnlyList<string>? Templates,
    long? Steps,
    double? Minutes,
    string? RunFolder = null);
