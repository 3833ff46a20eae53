using static TorchSharp.torch;

namespace CustomTrainingLoop;

/// <summary>A noisy regression: <c>y = sin(x · w) + 0.5 · cos(x₀) + ε</c>, x uniform in [-2, 2]^4, ε ~ N(0, 0.1²), with a
/// fixed w. Every draw comes from the generator it is given.</summary>
internal sealed class SyntheticTask : IDisposable
{
    public const int Inputs = 4;

    private readonly Tensor _weights;

    public SyntheticTask(long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        _weights = randn([Inputs, 1], generator: generator);
    }

    public (Tensor Inputs, Tensor Targets) Draw(int count, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = rand([count, Inputs], generator: generator).mul_(4).sub_(2);
        var noise = randn([count, 1], generator: generator).mul_(0.1);
        var y = x.matmul(_weights).sin().add_(x[.., 0..1].cos().mul_(0.5)).add_(noise);
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    public void Dispose() => _weights.Dispose();
}
