using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Evaluation.Reference;

/// <summary>L_det written from the paper's Eq. 4 and the documented draw order, independently of the evaluator's code.</summary>
/// <remarks>
/// Draw order of the frozen batch (docs): flips <c>randint(0, 2, [B])</c> when the method flips; VAE noise
/// <c>randn([B, C, h, w])</c>; timesteps = first B of <c>randperm(T_train)</c>; diffusion noise <c>randn([B, C, h, w])</c>.
/// Item i: image i mod N, template i mod T. Then <c>z_0 = (μ + σ·ε_E) · 0.18215</c>,
/// <c>z_t = √ᾱ_t z_0 + √(1 − ᾱ_t) ε</c>, <c>L = mean((unet(z_t, t, text(y)) − ε)²)</c>.
/// </remarks>
internal static class DeterministicLossReference
{
    public static double Compute(StableDiffusionPipeline pipeline, ConceptData data, long seed, int batch, bool randomFlip)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed, CPU);
        int latentSize = data.Images.Resolution / pipeline.VaeScaleFactor;
        long[] latentShape = [batch, pipeline.Vae.Config.LatentChannels, latentSize, latentSize];

        bool[] flips = randomFlip
            ? [.. randint(0L, 2L, new long[] { batch }, ScalarType.Int64, generator: generator).data<long>().ToArray().Select(v => v == 1)]
            : new bool[batch];
        var vaeNoise = randn(latentShape, ScalarType.Float32, generator: generator);
        var timesteps = randperm(pipeline.Scheduler.NumTrainTimesteps, ScalarType.Int64, generator: generator).narrow(0, 0, batch);
        var noise = randn(latentShape, ScalarType.Float32, generator: generator);

        long[] images = [.. Enumerable.Range(0, batch).Select(i => (long)(i % data.Images.Count))];
        var prompts = Enumerable.Range(0, batch).Select(i => data.Templates.Format(i % data.Templates.Count, data.Placeholder)).ToList();

        var pixels = data.Images.Gather(images, flips);
        using var posterior = pipeline.Vae.Encode(pixels);
        var z0 = (posterior.Mean + (posterior.Std * vaeNoise)) * 0.18215;
        var alphaBar = pipeline.Scheduler.AlphasCumprod.index_select(0, timesteps).view(batch, 1, 1, 1);
        var zt = (alphaBar.sqrt() * z0) + ((1 - alphaBar).sqrt() * noise);
        var states = pipeline.TextEncoder.forward(pipeline.Tokenizer.EncodeToTensor(prompts));
        var prediction = pipeline.Unet.forward(zt, timesteps, states);
        return (prediction.to_type(ScalarType.Float64) - noise.to_type(ScalarType.Float64)).square().mean().item<double>();
    }
}
