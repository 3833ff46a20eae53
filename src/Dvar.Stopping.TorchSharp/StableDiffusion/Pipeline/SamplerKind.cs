using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
namespace Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

/// <summary>Which sampler <see cref="StableDiffusionPipeline"/> denoises with (<see cref="GenerationOptions.Sampler"/>).</summary>
public enum SamplerKind
{
    /// <summary>The sampler the model folder's <c>scheduler/scheduler_config.json</c> names in <c>_class_name</c>:
    /// <c>PNDMScheduler</c> gives <see cref="Pndm"/> (Stable Diffusion v1.5), <c>DDIMScheduler</c> or no class name gives
    /// <see cref="Ddim"/>; any other class (<c>DDPMScheduler</c>, <c>EulerDiscreteScheduler</c>, ...) is refused with a
    /// <see cref="NotSupportedException"/> that asks for <see cref="Ddim"/> or <see cref="Pndm"/> explicitly, since sampling it
    /// with another scheduler would not give what diffusers gives for that folder.</summary>
    FolderDefault = 0,

    /// <summary>DDIM with η = 0 (<see cref="DdimScheduler"/>): one UNet evaluation per step.</summary>
    Ddim = 1,

    /// <summary>PNDM in its PLMS form (<see cref="PndmScheduler"/>), diffusers' <c>PNDMScheduler</c> with <c>skip_prk_steps</c>:
    /// N ≥ 2 steps take N + 1 UNet evaluations.</summary>
    Pndm = 2,
}
