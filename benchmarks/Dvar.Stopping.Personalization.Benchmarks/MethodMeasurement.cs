using Dvar.Stopping.TorchSharp.Benchmarks;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>One method's timings, in seconds: a training step at the method's batch size, and L_det at two batch sizes.</summary>
internal sealed record MethodMeasurement(
    string Method,
    long TrainableParameters,
    int TrainingBatch,
    Timing TrainingStep,
    Timing EvaluationBatch8,
    Timing EvaluationBatch2);
