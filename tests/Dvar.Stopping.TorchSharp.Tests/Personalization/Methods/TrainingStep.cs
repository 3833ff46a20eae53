using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>
/// One plain diffusion training step written in the test (personalization-facts "common training math"): a random image batch
/// from a seeded generator, VAE latents, noise at random timesteps, the UNet's prediction against the noise (mean MSE in float32),
/// backward, and an AdamW step over the method's trainable parameters.
/// </summary>
internal static class TrainingStep
{
    public const int BatchSize = 2;

    /// <summary>Runs one step and returns the loss.</summary>
    public static double Run(StableDiffusionPipeline pipeline, PersonalizationMethod method, ulong seed = 7, double learningRate = 1e-2)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        int size = pipeline.DefaultImageSize;
        var prompts = Enumerable.Range(0, BatchSize).Select(i => method.Defaults.Templates.Format(i % method.Defaults.Templates.Count, method.Placeholder)).ToList();
        var ids = pipeline.Tokenizer.EncodeToTensor(prompts, pipeline.Device);
        var pixels = ((rand(BatchSize, 3, size, size, generator: generator) * 2) - 1).to(pipeline.Dtype, pipeline.Device);
        Tensor latents;
        using (no_grad())
        using (var distribution = pipeline.Vae.Encode(pixels))
        {
            latents = distribution.Sample(generator) * pipeline.Vae.ScalingFactor;
        }

        var noise = randn(latents.shape, generator: generator).to(latents.dtype, latents.device);
        var timesteps = randint(pipeline.Scheduler.NumTrainTimesteps, [BatchSize], generator: generator).to(latents.device);
        var noisy = pipeline.Scheduler.AddNoise(latents, noise, timesteps);
        var conditioning = pipeline.TextEncoder.forward(ids);
        var prediction = pipeline.Unet.forward(noisy, timesteps, conditioning);
        var loss = nn.functional.mse_loss(prediction.to_type(ScalarType.Float32), noise.to_type(ScalarType.Float32));
        using var optimizer = optim.AdamW(method.TrainableParameters.Select(p => p.Parameter), lr: learningRate, weight_decay: 1e-2);
        optimizer.zero_grad();
        loss.backward();
        method.OnGradientsComputed();
        optimizer.step();
        method.OnOptimizerStepped();
        return loss.item<float>();
    }
}
