using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using TorchSharp.Modules;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>
/// A text-to-image personalization method (Textual Inversion, DreamBooth-LoRA, Custom Diffusion): which parameters train,
/// how the pipeline is changed for training, what happens around the optimizer step, and how the result is saved.
/// </summary>
/// <remarks>
/// The trainer calls <see cref="Attach"/> once, then for every step: forward and backward through the pipeline (whose text
/// encoder and UNet now contain the method's trainable parts), <see cref="OnGradientsComputed"/>, gradient clipping to
/// <see cref="PersonalizationDefaults.MaxGradientNorm"/>, the optimizer step over <see cref="TrainableParameters"/>, and
/// <see cref="OnOptimizerStepped"/>. Trainable parameters are float32 on the pipeline's device even when the frozen weights
/// are float16 or bfloat16 (mixed precision); the method casts at its boundaries.
/// <para>
/// Ownership: the parameters and layer wrappers that <see cref="Attach"/> creates are registered inside the pipeline's modules
/// (trainable token rows in the text encoder, wrappers in the UNet), so the pipeline's normal <c>forward</c> calls use them and
/// disposing the pipeline disposes them. The method only refers to them; it stays usable (e.g. for <see cref="SaveArtifacts"/>)
/// as long as the pipeline is alive.
/// </para>
/// </remarks>
public abstract class PersonalizationMethod : IDisposable
{
    /// <summary>The method's stable kebab-case name: <c>textual-inversion</c>, <c>dreambooth-lora</c> or <c>custom-diffusion</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The word substituted into the caption templates (e.g. <c>&lt;cat-toy&gt;</c>).</summary>
    public abstract string Placeholder { get; }

    /// <summary>The method's defaults under its <see cref="TrainingRecipe"/>: the paper's learning rate, batch size, step cap and DVAR
    /// preset, and the recipe's templates, crop, flips, clipping, evaluation batch and stop step.</summary>
    public abstract PersonalizationDefaults Defaults { get; }

    /// <summary>The pipeline this method is attached to, or null before <see cref="Attach"/>.</summary>
    public StableDiffusionPipeline? Pipeline { get; private set; }

    /// <summary>The parameters the optimizer updates, with stable names (used as checkpoint keys). Empty before <see cref="Attach"/>.</summary>
    public abstract IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <summary>Whether the text encoder's output depends on trainable parameters; when false an evaluator may cache it.</summary>
    public abstract bool TrainsTextConditioning { get; }

    /// <summary>Prepares a pipeline for training: adds tokens, wraps layers, freezes every base weight, creates the trainable parameters.</summary>
    /// <param name="pipeline">The pipeline; a method is attached to at most one pipeline, once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The method is already attached.</exception>
    /// <exception cref="ArgumentException">The pipeline cannot take this method (e.g. the placeholder token already exists).</exception>
    public void Attach(StableDiffusionPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (Pipeline is not null)
        {
            throw new InvalidOperationException($"The {Name} method is already attached to a pipeline.");
        }

        AttachCore(pipeline);
        Pipeline = pipeline;
    }

    /// <summary>Called after backward and before gradient clipping and the optimizer step.</summary>
    public virtual void OnGradientsComputed()
    {
    }

    /// <summary>Called after each optimizer step.</summary>
    public virtual void OnOptimizerStepped()
    {
    }

    /// <summary>Writes the method's artifacts (diffusers-compatible safetensors files) into a folder, each file atomically.</summary>
    /// <param name="folder">The output folder (created if needed).</param>
    /// <returns>The paths of the files written.</returns>
    /// <exception cref="InvalidOperationException">The method is not attached.</exception>
    public abstract IReadOnlyList<string> SaveArtifacts(string folder);

    /// <summary>Releases what the method holds outside the pipeline; its parameters and wrappers belong to the pipeline (see remarks).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Attaches to the pipeline (see <see cref="Attach"/>).</summary>
    /// <param name="pipeline">The pipeline.</param>
    protected abstract void AttachCore(StableDiffusionPipeline pipeline);

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Throws when the method is not attached; returns the pipeline otherwise.</summary>
    /// <returns>The attached pipeline.</returns>
    /// <exception cref="InvalidOperationException">The method is not attached.</exception>
    protected StableDiffusionPipeline RequirePipeline() =>
        Pipeline ?? throw new InvalidOperationException($"The {Name} method is not attached to a pipeline; call Attach first.");
}
