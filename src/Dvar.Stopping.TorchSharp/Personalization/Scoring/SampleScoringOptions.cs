using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>Periodic sample scoring during training: the quality curve beside L_det, and optionally the paper's "CLIP-s"
/// baseline, which stops when the score of periodic samples stops improving.</summary>
/// <remarks>The trainer scores the initial parameters and then every <see cref="Every"/> steps, in evaluation mode and under
/// <c>no_grad</c>; sampling uses the scorer's own seed, so it changes neither the training stream nor L_det. Its time is
/// reported apart from training and evaluation.</remarks>
public sealed record SampleScoringOptions
{
    /// <summary>Gets the scorer (not owned by the trainer).</summary>
    public required ConceptScorer Scorer { get; init; }

    /// <summary>Gets the number of steps between scorings.</summary>
    /// <value>At least 1. Default 50 (the authors' CLIP-s frequency).</value>
    public int Every { get; init; } = DefaultEvery;

    /// <summary>The default of <see cref="Every"/>: the authors' CLIP-s frequency (<c>--sample_frequency 50</c>).</summary>
    public const int DefaultEvery = 50;

    /// <summary>Gets the criterion fed with each scoring's <see cref="ConceptScores.TrainImage"/>, or null to only record the
    /// scores. With a criterion, the run also stops when it fires, and the artifacts are the parameters of the best-scoring
    /// step (the paper's CLIP-s keeps its best checkpoint).</summary>
    /// <value>A fresh criterion, e.g. <see cref="Criteria.PatienceCriterion"/> with a paper preset. Default null.</value>
    public IStoppingCriterion? Criterion { get; init; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentNullException">The scorer is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="Every"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The criterion has already observed values.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Scorer, nameof(Scorer));
        Guard.AtLeast(Every, 1, nameof(Every));
        if (Criterion is { Observations: > 0 } used)
        {
            throw new ArgumentException($"The {used.Name} scoring criterion has already observed {used.Observations} values; give each trainer a fresh one.", nameof(Criterion));
        }
    }
}
