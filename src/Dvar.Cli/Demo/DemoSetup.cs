using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Cli.Demo;

/// <summary>A freshly loaded toy pipeline with a method attached, and the concept's data; disposes all three.</summary>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Method">The attached method.</param>
/// <param name="Data">The concept's images and templates.</param>
internal sealed record DemoSetup(StableDiffusionPipeline Pipeline, PersonalizationMethod Method, ConceptData Data) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Data.Dispose();
        Method.Dispose();
        Pipeline.Dispose();
    }
}
