using Dvar.Stopping.Evaluation;
using static TorchSharp.torch;

namespace CustomTrainingLoop;

/// <summary>The deterministic loss of this regression: the MSE of the current model on a held-out batch drawn once, from
/// the evaluator's own generator, so it never touches the training stream.</summary>
internal sealed class HeldOutLossEvaluator : IDeterministicEvaluator, IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly Tensor _inputs;
    private readonly Tensor _targets;

    public HeldOutLossEvaluator(nn.Module<Tensor, Tensor> model, SyntheticTask task, int batchSize, long seed)
    {
        _model = model;
        using var generator = new Generator((ulong)seed, CPU);
        (_inputs, _targets) = task.Draw(batchSize, generator);
        BatchSize = batchSize;
    }

    /// <summary>Everything is drawn once: inputs, targets and their noise.</summary>
    public FrozenSources FrozenSources => FrozenSources.All;

    public int BatchSize { get; }

    public double Evaluate(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool training = _model.training;
        _model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return nn.functional.mse_loss(_model.call(_inputs), _targets).item<float>();
        }
        finally
        {
            _model.train(training);
        }
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
    }
}
