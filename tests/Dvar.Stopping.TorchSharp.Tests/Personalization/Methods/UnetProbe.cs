using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>A fixed UNet input (from a seeded generator) and the UNet's output for it, without gradients.</summary>
internal sealed class UnetProbe : IDisposable
{
    public UnetProbe(StableDiffusionPipeline pipeline, ulong seed = 11)
    {
        using var generator = new Generator(seed);
        int latent = pipeline.DefaultImageSize / pipeline.VaeScaleFactor;
        Sample = randn(2, 4, latent, latent, generator: generator);
        Timesteps = tensor(new long[] { 10, 700 });
        Conditioning = randn(2, 77, pipeline.TextEncoder.Config.HiddenSize, generator: generator);
    }

    public Tensor Sample { get; }

    public Tensor Timesteps { get; }

    public Tensor Conditioning { get; }

    public Tensor Run(StableDiffusionPipeline pipeline)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var output = pipeline.Unet.forward(Sample.to(pipeline.Dtype), Timesteps, Conditioning.to(pipeline.Dtype));
        return output.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Asserts that attaching a method to a fresh tiny pipeline leaves the UNet's output bit for bit the same.</summary>
    public static void AssertAttachKeepsOutput(PersonalizationMethod method)
    {
        using var pipeline = TinyPipeline.Load();
        using var probe = new UnetProbe(pipeline);
        using var before = probe.Run(pipeline);

        method.Attach(pipeline);

        using var after = probe.Run(pipeline);
        Assert.True(after.Equals(before), $"{method.Name}: the UNet output changed on attach.");
    }

    public void Dispose()
    {
        Sample.Dispose();
        Timesteps.Dispose();
        Conditioning.Dispose();
    }
}
