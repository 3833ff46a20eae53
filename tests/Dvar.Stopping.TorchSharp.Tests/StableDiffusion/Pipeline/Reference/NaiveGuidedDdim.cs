using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline.Reference;

/// <summary>
/// diffusers' <c>StableDiffusionPipeline.__call__</c> with a <c>DDIMScheduler</c> (η = 0), written out step by step from the
/// pipeline's components: tokenizer and text encoder, the UNet, the DDPM table ᾱ, the VAE. Timesteps ("leading" spacing plus
/// <c>steps_offset</c>) and the DDIM update are written here from the formulas in tests/fixtures/sd-tiny/scheduler/cases.json.
/// </summary>
internal static class NaiveGuidedDdim
{
    /// <summary>The initial latents diffusers draws with a CPU generator: <c>randn([n, 4, h, w], generator)</c> in float32.</summary>
    public static Tensor InitialLatents(long seed, int n, int latentHeight, int latentWidth)
    {
        using var generator = new Generator((ulong)seed, CPU);
        return randn([n, 4, latentHeight, latentWidth], ScalarType.Float32, CPU, generator: generator);
    }

    /// <summary>The conditioning: <c>cat([uncond] * n + [cond] * n)</c> when guided, else <c>[cond] * n</c>.</summary>
    public static Tensor Conditioning(StableDiffusionPipeline pipeline, string prompt, string negativePrompt, int n, bool guided)
    {
        using var scope = NewDisposeScope();
        var cond = pipeline.TextEncoder.call(pipeline.Tokenizer.EncodeToTensor([prompt]));
        var rows = Enumerable.Repeat(cond, n).ToList();
        if (guided)
        {
            var uncond = pipeline.TextEncoder.call(pipeline.Tokenizer.EncodeToTensor([negativePrompt]));
            rows.InsertRange(0, Enumerable.Repeat(uncond, n));
        }

        return cat(rows, 0).MoveToOuterDisposeScope();
    }

    /// <summary>The timesteps of N DDIM steps: <c>(N − 1 − i) · (T div N) + steps_offset</c>, i = 0..N−1.</summary>
    public static int[] Timesteps(DdpmSchedulerConfig config, int steps) =>
        Enumerable.Range(0, steps).Select(i => ((steps - 1 - i) * (config.NumTrainTimesteps / steps)) + config.StepsOffset).ToArray();

    /// <summary>Runs the loop; <paramref name="guidanceScale"/> null runs the conditional branch only.</summary>
    public static Tensor Denoise(StableDiffusionPipeline pipeline, Tensor latents, Tensor conditioning, int steps, double? guidanceScale)
    {
        var config = pipeline.Scheduler.Config;
        Assert.Equal(PredictionType.Epsilon, config.PredictionType);
        Assert.False(config.ClipSample);
        float[] alphasCumprod = pipeline.Scheduler.AlphasCumprod.data<float>().ToArray();
        int stride = config.NumTrainTimesteps / steps;
        float finalAlphaCumprod = config.SetAlphaToOne ? 1f : alphasCumprod[0];

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = latents;
        int n = (int)latents.shape[0];
        foreach (int t in Timesteps(config, steps))
        {
            using var timestep = tensor((long)t);
            Tensor eps;
            if (guidanceScale is double g)
            {
                var both = pipeline.Unet.call(cat([x, x], 0), timestep, conditioning);
                var noiseUncond = both.narrow(0, 0, n);
                var noiseText = both.narrow(0, n, n);
                eps = noiseUncond + (g * (noiseText - noiseUncond));
            }
            else
            {
                eps = pipeline.Unet.call(x, timestep, conditioning);
            }

            float alpha = alphasCumprod[t];
            float alphaPrev = t - stride >= 0 ? alphasCumprod[t - stride] : finalAlphaCumprod;
            var x0 = (x - (MathF.Sqrt(1f - alpha) * eps)) / MathF.Sqrt(alpha);
            x = (MathF.Sqrt(alphaPrev) * x0) + (MathF.Sqrt(1f - alphaPrev) * eps);
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The decoded images in [0, 1]: <c>clamp(vae.decode(x / scaling_factor) / 2 + 0.5, 0, 1)</c>.</summary>
    public static Tensor Decode(StableDiffusionPipeline pipeline, Tensor latents)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var decoded = pipeline.Vae.Decode(latents / pipeline.Vae.ScalingFactor);
        return ((decoded / 2) + 0.5).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The whole pipeline, returning [n, 3, H, W] images in [0, 1].</summary>
    public static Tensor Generate(StableDiffusionPipeline pipeline, string prompt, string negativePrompt, int steps, double? guidanceScale, long seed, int n, int height, int width)
    {
        using var scope = NewDisposeScope();
        int f = pipeline.VaeScaleFactor;
        var latents = InitialLatents(seed, n, height / f, width / f);
        using var noGrad = no_grad();
        var conditioning = Conditioning(pipeline, prompt, negativePrompt, n, guidanceScale is not null);
        var x0 = Denoise(pipeline, latents, conditioning, steps, guidanceScale);
        return Decode(pipeline, x0).MoveToOuterDisposeScope();
    }

    /// <summary>Images in [0, 1] as diffusers' <c>numpy_to_pil</c> turns them into bytes: <c>round(255 · x)</c>, [n, H, W, 3].</summary>
    public static byte[][] ToBytes(Tensor images)
    {
        using var scope = NewDisposeScope();
        var bytes = (images * 255f).round().to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        return Enumerable.Range(0, (int)bytes.shape[0]).Select(i => bytes[i].contiguous().data<byte>().ToArray()).ToArray();
    }
}
