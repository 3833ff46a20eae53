using Dvar.Demo.Metric;
using Dvar.Stopping.TorchSharp.Serialization;
using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>Stage 2: trains the stand-in metric model (<see cref="ToyAttributeNet"/>) on pictures of every colour-shape pair,
/// half of each batch passed through the VAE, so that it reads decoded samples as well as renders.</summary>
/// <remarks>Loss: the sum of the four attributes' cross-entropies; inputs get Gaussian noise of a random σ ≤ 0.1; AdamW
/// 2e-3, warm-up 100, cosine to 2e-4; batch 64. Accuracy is reported on 2,048 fresh renders and on their VAE
/// reconstructions.</remarks>
internal static class MetricStage
{
    /// <summary>The weights file in the work folder.</summary>
    public const string WeightsFile = "metric.safetensors";

    /// <summary>The record of the run.</summary>
    public const string RecordFile = "metric.json";

    /// <summary>Trains and saves the metric model.</summary>
    /// <param name="work">The work folder (holds the VAE).</param>
    /// <param name="steps">The optimizer steps.</param>
    /// <param name="seed">The seed.</param>
    public static void Run(string work, int steps, int seed)
    {
        var log = new StageLog("metric");
        using var data = ToyDataset.AllPairs(16_384, seed + 21);
        using var test = ToyDataset.AllPairs(2048, seed + 22);
        using var vae = VaeStage.Load(work);
        using var generator = new Generator((ulong)seed + 23, CPU);
        using var net = new ToyAttributeNet();
        ParameterInitializer.Initialize(net, generator);
        var parameters = net.parameters().ToList();
        using var optimizer = optim.AdamW(parameters, 2e-3, weight_decay: 1e-2);
        var schedule = new WarmupCosineSchedule(2e-3, 100, steps);
        double sum = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            schedule.Apply(optimizer, step);
            var indices = randint(0, data.Count, [64], generator: generator);
            var x = data.Batch(indices);
            using (no_grad())
            {
                var half = x[..32];
                using var posterior = vae.Encode(half);
                x = cat([vae.Decode(posterior.Sample(generator)).clamp(-1, 1), x[32..]], 0);
                x = x + (randn(x.shape, generator: generator) * (rand([64, 1, 1, 1], generator: generator) * 0.1));
            }

            var loss = Loss(net, x, data, indices);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            sum += loss.item<float>();
            if ((step + 1) % 200 == 0)
            {
                log.Write($"step {step + 1}/{steps}  loss {sum / 200:F4}");
                sum = 0;
            }
        }

        net.eval();
        var accuracies = Report(log, net, vae, test);
        SafetensorsFile.Write(Path.Combine(work, WeightsFile), net.state_dict());
        File.WriteAllText(Path.Combine(work, RecordFile), System.Text.Json.JsonSerializer.Serialize(new { steps, seed, seconds = log.Elapsed.TotalSeconds, accuracy = accuracies }, Json.Indented));
        log.Write($"done in {log.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>Loads the trained metric model from the work folder.</summary>
    /// <param name="work">The work folder.</param>
    /// <returns>The model in evaluation mode.</returns>
    public static ToyAttributeNet Load(string work)
    {
        var net = new ToyAttributeNet();
        Dvar.Demo.StrictWeights.Load(net, Path.Combine(work, WeightsFile));

        net.eval();
        return net;
    }

    private static Tensor Loss(ToyAttributeNet net, Tensor x, ToyDataset data, Tensor indices)
    {
        var (color, shape, background, size) = net.Heads(net.call(x));
        return nn.functional.cross_entropy(color, data.Colors.index_select(0, indices))
            + nn.functional.cross_entropy(shape, data.Shapes.index_select(0, indices))
            + nn.functional.cross_entropy(background, data.Backgrounds.index_select(0, indices))
            + nn.functional.cross_entropy(size, data.Sizes.index_select(0, indices));
    }

    private static Dictionary<string, double> Report(StageLog log, ToyAttributeNet net, Dvar.Stopping.TorchSharp.StableDiffusion.Vae.AutoencoderKL vae, ToyDataset test)
    {
        var accuracies = new Dictionary<string, double>();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var all = arange(test.Count);
        var renders = test.Batch(all);
        using var posterior = vae.Encode(renders);
        var reconstructions = vae.Decode(posterior.Mode()).clamp(-1, 1);
        foreach (var (name, images) in new[] { ("renders", renders), ("VAE reconstructions", reconstructions) })
        {
            var (color, shape, background, size) = net.Heads(net.call(images));
            string key = name == "renders" ? "renders" : "reconstructions";
            accuracies[$"{key}_color"] = Accuracy(color, test.Colors);
            accuracies[$"{key}_shape"] = Accuracy(shape, test.Shapes);
            accuracies[$"{key}_background"] = Accuracy(background, test.Backgrounds);
            accuracies[$"{key}_size"] = Accuracy(size, test.Sizes);
            log.Write($"{name}: colour {Accuracy(color, test.Colors):F3}  shape {Accuracy(shape, test.Shapes):F3}  background {Accuracy(background, test.Backgrounds):F3}  size {Accuracy(size, test.Sizes):F3}");
        }

        double mse = (reconstructions - renders).square().mean().item<float>();
        accuracies["vae_reconstruction_mse"] = mse;
        log.Write($"VAE reconstruction MSE on fresh renders: {mse:F5}");
        return accuracies;
    }

    private static double Accuracy(Tensor logits, Tensor labels) => logits.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
}
