namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>How a sampler picks its inference timesteps among the training timesteps (diffusers <c>timestep_spacing</c>).</summary>
/// <remarks><see cref="DdimScheduler"/> supports <see cref="Leading"/> only; <see cref="PndmScheduler"/> supports all three.</remarks>
public enum TimestepSpacing
{
    /// <summary><c>"leading"</c>: <c>t_i = i · (T div N) + steps_offset</c> for i = N−1..0, Stable Diffusion v1.5's spacing.</summary>
    Leading = 0,

    /// <summary><c>"trailing"</c>: <c>round(T − i · T/N) − 1</c> for i = 0..N−1 (numpy's float <c>arange</c> and round half to
    /// even), so the first timestep is T − 1; <c>steps_offset</c> is not used.</summary>
    Trailing = 1,

    /// <summary><c>"linspace"</c>: N values evenly spaced from 0 to T − 1, rounded half to even; <c>steps_offset</c> is not used.</summary>
    Linspace = 2,
}
