using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline;

/// <summary>The sd-tiny pipeline (tests/fixtures/sd-tiny, float32, CPU), loaded once for a test class: 32x32 images, 16x16 latents.</summary>
public sealed class TinyPipelineFixture : IDisposable
{
    public TinyPipelineFixture()
    {
        Pipeline = TinyPipeline.Load();
    }

    public StableDiffusionPipeline Pipeline { get; }

    public void Dispose() => Pipeline.Dispose();
}
