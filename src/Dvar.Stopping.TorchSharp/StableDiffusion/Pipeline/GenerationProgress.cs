namespace Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

/// <summary>What <see cref="StableDiffusionPipeline.Generate"/> reports through <see cref="IProgress{T}"/> after each denoising step.</summary>
/// <param name="Step">The step just finished, 1 to <paramref name="TotalSteps"/>.</param>
/// <param name="TotalSteps">The number of denoising steps of the call: <see cref="GenerationOptions.Steps"/> for DDIM, one more
/// for PNDM with 2 or more steps (it visits its second timestep twice).</param>
/// <param name="Timestep">The timestep t of that step (noisiest first, e.g. 981 for step 1 of 50 on SD v1.5).</param>
public readonly record struct GenerationProgress(int Step, int TotalSteps, int Timestep);
