using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Freezing a pipeline and naming the parameters a method adds to it.</summary>
internal static class PipelineParameters
{
    /// <summary>The name prefix of text encoder parameters in <see cref="PersonalizationMethod.TrainableParameters"/>.</summary>
    public const string TextEncoderPrefix = "text_encoder.";

    /// <summary>The name prefix of UNet parameters in <see cref="PersonalizationMethod.TrainableParameters"/> (and of diffusers' LoRA keys).</summary>
    public const string UnetPrefix = "unet.";

    /// <summary>Sets <c>requires_grad = false</c> on every parameter of the text encoder, the VAE and the UNet.</summary>
    /// <param name="pipeline">The pipeline.</param>
    public static void FreezeAll(StableDiffusionPipeline pipeline)
    {
        IEnumerable<nn.Module> models = [pipeline.TextEncoder, pipeline.Vae, pipeline.Unet];
        foreach (var parameter in models.SelectMany(m => m.parameters()))
        {
            parameter.requires_grad_(false);
        }
    }

    /// <summary>The registered name of a parameter inside a module, with a prefix (e.g. <c>text_encoder.</c>).</summary>
    /// <param name="module">The module holding the parameter.</param>
    /// <param name="parameter">The parameter.</param>
    /// <param name="prefix">The prefix of the returned name.</param>
    /// <returns>The prefixed name.</returns>
    /// <exception cref="InvalidOperationException">The parameter is not registered in the module.</exception>
    public static string NameOf(nn.Module module, Parameter parameter, string prefix)
    {
        foreach (var (name, candidate) in module.named_parameters())
        {
            if (candidate.Handle == parameter.Handle)
            {
                return prefix + name;
            }
        }

        throw new InvalidOperationException($"The parameter [{string.Join(", ", parameter.shape)}] is not registered in {module.GetName()}.");
    }
}
