namespace Dvar.Stopping.TorchSharp.StableDiffusion;

/// <summary>How a sampler picks its inference timesteps among the training timesteps (diffusers <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary><c>"leading"</c>: <c>t_i = i · (T div N) + steps_offset</c> for i = N−1..0, Stable Diffusion v1.5's spacing.</summary>
    Leading = 0,
}
