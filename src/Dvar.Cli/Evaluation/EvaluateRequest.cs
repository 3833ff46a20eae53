using Dvar.Cli.Models;
using Dvar.Cli.Output;

namespace Dvar.Cli.Evaluation;

/// <summary>What <c>dvar evaluate</c> was asked to do; torch-free, read from the command line.</summary>
internal sealed record EvaluateRequest
{
    /// <summary>Gets the base model.</summary>
    public required ModelRequest Model { get; init; }

    /// <summary>Gets the CLIP model folder (Hugging Face <c>CLIPModel</c> layout).</summary>
    public required string Clip { get; init; }

    /// <summary>Gets the DINO model folder (Hugging Face <c>ViTModel</c> layout), or null for no DINO score.</summary>
    public string? Dino { get; init; }

    /// <summary>Gets the <c>dvar train</c> output folders to evaluate, one row each.</summary>
    public IReadOnlyList<string> Runs { get; init; } = [];

    /// <summary>Gets a single learned artifact to evaluate (a file or a Custom Diffusion folder), or null.</summary>
    public string? Artifact { get; init; }

    /// <summary>Gets the concept's images; required with <see cref="Artifact"/>, overrides a run's.</summary>
    public string? Images { get; init; }

    /// <summary>Gets the text that names the concept in prompts, overriding the artifact's or the run's placeholder.</summary>
    public string? Token { get; init; }

    /// <summary>Gets the caption templates of the training prompts (object, style or one template), with an artifact.</summary>
    public string? Templates { get; init; }

    /// <summary>Gets a file of validation prompt templates (one per line, <c>{}</c> for the concept), or null for the default.</summary>
    public string? Prompts { get; init; }

    /// <summary>Gets the number of samples from the training prompts.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Gets the number of samples per validation prompt.</summary>
    public int? SamplesPerPrompt { get; init; }

    /// <summary>Gets the number of denoising steps.</summary>
    public int? Steps { get; init; }

    /// <summary>Gets the guidance scale, or null for the method's (7.5 TI, 6 otherwise).</summary>
    public double? Guidance { get; init; }

    /// <summary>Gets the sampling seed.</summary>
    public long? Seed { get; init; }

    /// <summary>Gets the side the concept's images are loaded at, or null for the model's.</summary>
    public int? Resolution { get; init; }

    /// <summary>Gets the folder for the generated images, grids and scores, or null to write nothing.</summary>
    public string? Output { get; init; }

    /// <summary>Gets whether an <see cref="Output"/> folder holding an earlier evaluation may be replaced.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Gets the output format: a Markdown table or one JSON object.</summary>
    public OutputFormat Format { get; init; }
}
