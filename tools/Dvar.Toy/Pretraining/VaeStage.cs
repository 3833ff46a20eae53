using System.Text.Json;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>Stage 1: trains the VAE on pictures of every colour-shape pair (as SD's VAE saw everything), then measures the
/// latent scale.</summary>
/// <remarks>Loss: MSE + 0.5 · L1 of the reconstruction from a posterior sample, plus 1e-6 · KL to N(0, I); AdamW 1e-3, warm-up
/// 100 steps, cosine to 1e-4; batch 32. The scaling factor is 1 / std of the latent means over 2,048 images, as SD's
/// 0.18215 was chosen.</remarks>
internal static class VaeStage
{
    /// <summary>The weights file in the work folder.</summary>
    public const string WeightsFile = "vae.safetensors";

    /// <summary>The scaling-factor record in the work folder.</summary>
    public const string ScaleFile = "vae-scale.json";

    /// <summary>Trains and saves the VAE.</summary>
    /// <param name="work">The work folder.</param>
    /// <param name="steps">The optimizer steps.</param>
    /// <param name="seed">The seed of data and initialisation.</param>
    public static void Run(string work, int steps, int seed)
    {
        var log = new StageLog("vae");
        using var data = ToyDataset.AllPairs(16_384, seed + 11);
        log.Write($"rendered {data.Count} images");
        using var generator = new Generator((ulong)seed + 12, CPU);
        using var vae = new AutoencoderKL(ToyModelConfigs.Vae(1.0));
        ParameterInitializer.Initialize(vae, generator);
        var parameters = vae.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, 1e-3, weight_decay: 1e-2);
        var schedule = new WarmupCosineSchedule(1e-3, 100, steps);
        double sum = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            schedule.Apply(optimizer, step);
            var x = data.Batch(randint(0, data.Count, [32], generator: generator));
            using var posterior = vae.Encode(x);
            var reconstruction = vae.Decode(posterior.Sample(generator));
            var difference = reconstruction - x;
            var kl = 0.5 * (posterior.Mean.square() + posterior.Std.square() - 1 - posterior.LogVar).sum() / x.shape[0];
            var loss = difference.square().mean() + (0.5 * difference.abs().mean()) + (1e-6 * kl);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            sum += difference.square().mean().item<float>();
            if ((step + 1) % 200 == 0)
            {
                log.Write($"step {step + 1}/{steps}  reconstruction MSE {sum / 200:F5}");
                sum = 0;
            }
        }

        double scale = LatentScale(vae, data);
        SafetensorsFile.Write(Path.Combine(work, WeightsFile), vae.state_dict());
        File.WriteAllText(Path.Combine(work, ScaleFile), JsonSerializer.Serialize(new { scaling_factor = scale, seconds = log.Elapsed.TotalSeconds, steps }));
        log.Write($"done: scaling factor {scale:F4}");
    }

    /// <summary>Loads the trained VAE from the work folder.</summary>
    /// <param name="work">The work folder.</param>
    /// <returns>The VAE in evaluation mode.</returns>
    public static AutoencoderKL Load(string work)
    {
        using var scale = JsonDocument.Parse(File.ReadAllText(Path.Combine(work, ScaleFile)));
        var vae = new AutoencoderKL(ToyModelConfigs.Vae(scale.RootElement.GetProperty("scaling_factor").GetDouble()));
        Dvar.Demo.StrictWeights.Load(vae, Path.Combine(work, WeightsFile));

        vae.eval();
        return vae;
    }

    private static double LatentScale(AutoencoderKL vae, ToyDataset data)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var posterior = vae.Encode(data.Batch(arange(2048)));
        return 1 / posterior.Mean.std().item<float>();
    }
}
