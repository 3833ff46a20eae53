using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>The result of one <see cref="DdimScheduler"/> step; the caller owns (disposes) both tensors.</summary>
/// <param name="PrevSample">x_{t−Δ}, the sample at the previous (less noisy) timestep.</param>
/// <param name="PredOriginalSample">The model's estimate of x_0 at this step (after clamping when <c>clip_sample</c> is set).</param>
public readonly record struct DdimStepOutput(Tensor PrevSample, Tensor PredOriginalSample);
