using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.Evaluation;

namespace Dvar.Stopping.TorchSharp.Personalization.Evaluation;

/// <summary>How a <see cref="DeterministicEvaluator"/> builds its evaluation batch.</summary>
/// <remarks>Immutable; validated once, by the <see cref="DeterministicEvaluator"/> constructor.</remarks>
public sealed record DeterministicEvaluatorOptions
{
    /// <summary>The number of items B in the evaluation batch.</summary>
    /// <value>From 1 to the scheduler's number of training timesteps (the B timesteps are distinct). Default 8, the
    /// paper's batch (the authors' code defaults to 4).</value>
    public int BatchSize { get; init; } = 8;

    /// <summary>The seed of the evaluator's own generator; the training generator is never used.</summary>
    /// <value>At least 0. Default 1 (the trainer's training seed defaults to 0).</value>
    public long Seed { get; init; } = 1;

    /// <summary>Which sources of randomness stay fixed; the others are redrawn at every evaluation.</summary>
    /// <value>Any combination of <see cref="FrozenSources"/> flags. Default <see cref="FrozenSources.All"/> (L_det, what DVAR
    /// needs).</value>
    public FrozenSources FrozenSources { get; init; } = FrozenSources.All;

    /// <summary>The defaults: 8 items, seed 1, everything frozen.</summary>
    public static DeterministicEvaluatorOptions Default { get; } = new();

    /// <summary>Checks every value.</summary>
    /// <param name="numTrainTimesteps">T, the scheduler's number of training timesteps (the most distinct timesteps).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; <c>ParamName</c> is the property name.</exception>
    internal void Validate(int numTrainTimesteps)
    {
        Guard.AtLeast(BatchSize, 1, nameof(BatchSize));
        if (BatchSize > numTrainTimesteps)
        {
            throw new ArgumentOutOfRangeException(
                nameof(BatchSize),
                $"{nameof(BatchSize)} must be at most the scheduler's {numTrainTimesteps} training timesteps (each item gets a distinct one); got {BatchSize}.");
        }

        Guard.AtLeast(Seed, 0, nameof(Seed));
        ValidateSources(FrozenSources, nameof(FrozenSources));
    }

    /// <summary>Rejects bits outside <see cref="FrozenSources.All"/>.</summary>
    /// <param name="sources">The flags.</param>
    /// <param name="paramName">The option's name.</param>
    /// <exception cref="ArgumentOutOfRangeException">An unknown bit is set.</exception>
    internal static void ValidateSources(FrozenSources sources, string paramName)
    {
        if ((sources & ~FrozenSources.All) != 0)
        {
            throw new ArgumentOutOfRangeException(
                paramName, $"{paramName} must combine {string.Join(", ", Enum.GetNames<FrozenSources>())}; got {(int)sources}.");
        }
    }
}
