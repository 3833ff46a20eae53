using Dvar.Cli.Models;
using Dvar.Cli.Output;
using Dvar.Cli.Replay;

namespace Dvar.Cli.Training;

/// <summary>Everything <c>dvar train</c> was asked to do, as parsed (torch-free). Null means "the library's default".</summary>
internal sealed record TrainRequest
{
    /// <summary>The method.</summary>
    public required TrainMethod Method { get; init; }

    /// <summary>The pipeline to personalize.</summary>
    public required ModelRequest Model { get; init; }

    /// <summary><c>--images</c>: the concept's image folder.</summary>
    public required string Images { get; init; }

    /// <summary><c>--token</c>: the placeholder (TI, LoRA) or modifier token (Custom Diffusion).</summary>
    public required string Token { get; init; }

    /// <summary><c>--init-token</c>: the word whose embedding initialises the new token.</summary>
    public string? InitToken { get; init; }

    /// <summary><c>--out</c>: the output folder.</summary>
    public required string Output { get; init; }

    /// <summary><c>--max-steps</c>.</summary>
    public int? MaxSteps { get; init; }

    /// <summary><c>--learning-rate</c>.</summary>
    public double? LearningRate { get; init; }

    /// <summary><c>--batch-size</c>.</summary>
    public int? BatchSize { get; init; }

    /// <summary><c>--max-grad-norm</c>.</summary>
    public double? MaxGradientNorm { get; init; }

    /// <summary><c>--seed</c>: the training generator's seed.</summary>
    public long? Seed { get; init; }

    /// <summary><c>--eval-seed</c>: the evaluator's seed.</summary>
    public long? EvaluationSeed { get; init; }

    /// <summary><c>--eval-batch-size</c>.</summary>
    public int? EvaluationBatchSize { get; init; }

    /// <summary><c>--eval-every</c>.</summary>
    public int? EvaluationFrequency { get; init; }

    /// <summary><c>--criterion</c>, or null for DVAR with the method's preset.</summary>
    public CriterionKind? Criterion { get; init; }

    /// <summary>The criterion's options.</summary>
    public required CriterionParameters CriterionParameters { get; init; }

    /// <summary><c>--class-images</c>: class images for prior preservation.</summary>
    public string? ClassImages { get; init; }

    /// <summary><c>--class-prompt</c>: their caption.</summary>
    public string? ClassPrompt { get; init; }

    /// <summary><c>--templates</c>: <c>object</c>, <c>style</c> or one template holding <c>{}</c>.</summary>
    public string? Templates { get; init; }

    /// <summary><c>--resolution</c>: the side of the training images.</summary>
    public int? Resolution { get; init; }

    /// <summary><c>--center-crop</c>.</summary>
    public bool CenterCrop { get; init; }

    /// <summary><c>--checkpoint-every</c>.</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary><c>--clip</c>: the CLIP folder that scores samples during training, or null for no scoring.</summary>
    public string? Clip { get; init; }

    /// <summary><c>--score-every</c>: the steps between scorings.</summary>
    public int? ScoreEvery { get; init; }

    /// <summary><c>--score-steps</c>: the denoising steps of each sample.</summary>
    public int? ScoreSteps { get; init; }

    /// <summary><c>--score-prompts</c>: a file of validation prompt templates to score too.</summary>
    public string? ScorePrompts { get; init; }

    /// <summary><c>--resume</c>: continue from the newest checkpoint in <see cref="Output"/>.</summary>
    public bool Resume { get; init; }

    /// <summary><c>--resume auto</c>: resume, start or report the run in <see cref="Output"/> as <see cref="AutoResume"/>
    /// decides.</summary>
    public bool ResumeAuto { get; init; }

    /// <summary><c>--overwrite</c>: train afresh into an <see cref="Output"/> that holds an earlier run, replacing its files
    /// as the new run writes them.</summary>
    public bool Overwrite { get; init; }

    /// <summary><c>--progress-every</c>: plain progress lines every this many steps when standard error is not a terminal.</summary>
    public int ProgressEvery { get; init; } = 10;

    /// <summary><c>--format</c>.</summary>
    public OutputFormat Format { get; init; }

    /// <summary><c>--verbose</c>: log at Information instead of Warning.</summary>
    public bool Verbose { get; init; }

    /// <summary><c>--vectors</c> (Textual Inversion).</summary>
    public int? Vectors { get; init; }

    /// <summary><c>--rank</c> (LoRA).</summary>
    public int? Rank { get; init; }

    /// <summary><c>--alpha</c> (LoRA).</summary>
    public double? Alpha { get; init; }

    /// <summary>Not <c>--no-train-feed-forward</c> (LoRA).</summary>
    public bool TrainFeedForward { get; init; } = true;

    /// <summary>Not <c>--no-train-token</c> (LoRA).</summary>
    public bool TrainToken { get; init; } = true;

    /// <summary><c>--prior-loss-weight</c> (LoRA, Custom Diffusion).</summary>
    public double? PriorLossWeight { get; init; }
}
