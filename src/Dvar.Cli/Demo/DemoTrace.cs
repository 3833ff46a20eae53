namespace Dvar.Cli.Demo;

/// <summary>The per-step losses of a budget run, collected from the trainer's progress reports.</summary>
internal sealed class DemoTrace
{
    /// <summary>Gets the training loss of steps 1, 2, ....</summary>
    public List<double> TrainLoss { get; } = [];

    /// <summary>Gets L_det of steps 0, 1, ....</summary>
    public List<double> DeterministicLoss { get; } = [];
}
