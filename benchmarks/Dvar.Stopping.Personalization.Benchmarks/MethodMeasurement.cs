using Dvar.Stopping.TorchSharp.Benchmarks;
using static TorchSharp.torch;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>One method's timings in one dtype of the frozen models, in seconds: a training step at the method's batch size, L_det at batch 8 and the smaller batch (null when
/// skipped), and a CLIP-s check's sampling and scoring (null when not asked for).</summary>
internal sealed record MethodMeasurement(
    string Method,
    ScalarType Dtype,
    long TrainableParameters,
    int TrainingBatch,
    Timing TrainingStep,
    Timing? EvaluationBatch8,
    Timing? EvaluationSmallBatch,
    Timing? ClipSSampling = null,
    Timing? ClipSScoring = null);
