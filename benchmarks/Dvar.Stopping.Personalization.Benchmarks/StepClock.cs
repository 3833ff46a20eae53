using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>Records the trainer's elapsed time at each progress report; the difference between consecutive steps is one
/// training step (the trainer reports synchronously after every step).</summary>
internal sealed class StepClock : IProgress<TrainingProgress>
{
    private readonly List<TimeSpan> _elapsed = [];

    public void Report(TrainingProgress value) => _elapsed.Add(value.Elapsed);

    /// <summary>The seconds of each step after the first <paramref name="warmup"/> ones.</summary>
    public double[] StepSeconds(int warmup) =>
        [.. _elapsed.Zip(_elapsed.Skip(1), (before, after) => (after - before).TotalSeconds).Skip(warmup)];
}
