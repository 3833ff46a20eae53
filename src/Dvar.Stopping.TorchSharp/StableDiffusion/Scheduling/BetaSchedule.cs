namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>How the noise variances β_1..β_T grow (diffusers <c>beta_schedule</c>).</summary>
public enum BetaSchedule
{
    /// <summary><c>"linear"</c>: β evenly spaced from <c>beta_start</c> to <c>beta_end</c> (float32 linspace).</summary>
    Linear = 0,

    /// <summary><c>"scaled_linear"</c>: √β evenly spaced from √<c>beta_start</c> to √<c>beta_end</c>, squared (float32);
    /// Stable Diffusion's schedule (0.00085 to 0.012).</summary>
    ScaledLinear = 1,

    /// <summary><c>"squaredcos_cap_v2"</c>: Nichol and Dhariwal's cosine schedule,
    /// <c>β_i = min(1 − ᾱ((i+1)/T)/ᾱ(i/T), 0.999)</c> with <c>ᾱ(t) = cos²((t + 0.008)/1.008 · π/2)</c>;
    /// <c>beta_start</c> and <c>beta_end</c> are unused.</summary>
    SquaredcosCapV2 = 2,
}
