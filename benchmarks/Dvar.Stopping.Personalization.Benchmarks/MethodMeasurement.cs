using Dvar.Stopping.TorchSharp.Benchmarks;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>One method's timings, in seconds: a training step at the method's batch size, L_det at two batch sizes (null when
/// skipped), and a CLIP-s check's sampling and scoring (null when not asked for).</summary>
internal sealed record MethodMeasurement(
    string Method,
    long TrainableParameters,
    int TrainingBatch,
    Timing TrainingStep,
    Timing? EvaluationBatch8,
    Timing? EvaluationBatch2,
    Timing? ClipSSampling = null,
    Timing? ClipSScoring = null);
