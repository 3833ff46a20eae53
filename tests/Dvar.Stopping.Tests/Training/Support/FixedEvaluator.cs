using Dvar.Stopping.Evaluation;

namespace Dvar.Stopping.Tests.Training.Support;

/// <summary>An evaluator that returns the given losses in order and records the tokens it was called with.</summary>
internal sealed class FixedEvaluator(params double[] losses) : IDeterministicEvaluator
{
    private int _next;

    public FrozenSources FrozenSources => FrozenSources.All;

    public int BatchSize => 1;

    public int Calls => _next;

    public List<CancellationToken> Tokens { get; } = [];

    public double Evaluate(CancellationToken cancellationToken = default)
    {
        Tokens.Add(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return losses[_next++];
    }
}
