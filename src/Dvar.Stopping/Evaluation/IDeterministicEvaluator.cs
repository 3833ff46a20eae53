namespace Dvar.Stopping.Evaluation;

/// <summary>Evaluates the current model on a batch fixed once at the start of training (paper §3.2, Eq. 4).</summary>
/// <remarks>
/// An evaluator never draws from the training random stream, never changes the model, and computes without gradients,
/// so that a run with it trains exactly the same parameters as a run without it.
/// <see cref="Training.StoppingMonitor.Observe(long, double?, IDeterministicEvaluator, CancellationToken)"/> calls
/// <see cref="Evaluate"/> once per observed step and feeds its result to the stopping criterion.
/// </remarks>
public interface IDeterministicEvaluator
{
    /// <summary>Which sources of randomness stay fixed across evaluations.</summary>
    FrozenSources FrozenSources { get; }

    /// <summary>The number of items in the evaluation batch.</summary>
    int BatchSize { get; }

    /// <summary>Computes the loss of the current model on the evaluation batch (L_det when every source is frozen).</summary>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The mean loss over the batch.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    double Evaluate(CancellationToken cancellationToken = default);
}
