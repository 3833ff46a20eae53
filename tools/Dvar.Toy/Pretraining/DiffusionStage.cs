using System.Text.Json;
using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>Stage 3: trains the UNet and the text encoder together on captioned pictures of the seen colour-shape pairs.</summary>
/// <remarks>The ε objective on VAE posterior samples × scaling factor, t ~ U{0..999}; captions redrawn from each scene at
/// every use, 10 % replaced by the empty caption (for classifier-free guidance); AdamW 1e-3 (weight decay 1e-2), warm-up 200
/// steps, cosine to 1e-4, gradient clipping at 1, batch 32; the shipped weights are an exponential moving average (decay
/// 0.999). Every <c>evalEvery</c> steps the averaged model's samples are read by the metric model.</remarks>
internal static class DiffusionStage
{
    /// <summary>The UNet weights (moving average) in the work folder.</summary>
    public const string UnetFile = "unet.safetensors";

    /// <summary>The text encoder weights (moving average) in the work folder.</summary>
    public const string TextEncoderFile = "text_encoder.safetensors";

    /// <summary>The tokenizer folder in the work folder.</summary>
    public const string TokenizerFolder = "tokenizer";

    /// <summary>The record of the run.</summary>
    public const string RecordFile = "diffusion.json";

    /// <summary>Trains and saves the UNet and text encoder.</summary>
    /// <param name="work">The work folder (holds the VAE and the metric model).</param>
    /// <param name="steps">The optimizer steps.</param>
    /// <param name="evalEvery">Steps between sample-quality reports (0 for none but the last).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="continuing">Whether to start from the work folder's saved (averaged) weights instead of a fresh
    /// initialisation, with a warm-up of 50 steps and peak rate <paramref name="learningRate"/>.</param>
    /// <param name="learningRate">The peak learning rate.</param>
    public static void Run(string work, int steps, int evalEvery, int seed, bool continuing = false, double learningRate = 1e-3)
    {
        var log = new StageLog("diffusion");
        string tokenizerFolder = Path.Combine(work, TokenizerFolder);
        int vocabularySize = ToyTokenizerWriter.Write(tokenizerFolder);
        var tokenizer = ClipTokenizer.FromPretrained(tokenizerFolder);
        using var data = ToyDataset.Pretraining(24_576, seed + 31);
        log.Write($"rendered {data.Count} images; vocabulary {vocabularySize} tokens");
        var (means, stds, scaling) = EncodeAll(work, data);
        log.Write($"encoded latents {string.Join('x', means.shape)}");

        using var generator = new Generator((ulong)seed + 32, CPU);
        var captionRandom = new Random(seed + 33);
        using var textEncoder = new ClipTextModel(ToyModelConfigs.TextEncoder(vocabularySize));
        using var unet = new UNet2DConditionModel(ToyModelConfigs.Unet);
        ParameterInitializer.Initialize(textEncoder, generator);
        ParameterInitializer.Initialize(unet, generator);
        var earlier = new List<System.Text.Json.Nodes.JsonNode?>();
        if (continuing)
        {
            Copy(Path.Combine(work, TextEncoderFile), textEncoder);
            Copy(Path.Combine(work, UnetFile), unet);
            string record = Path.Combine(work, RecordFile);
            if (File.Exists(record))
            {
                var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(record))!;
                if (node["earlier"] is System.Text.Json.Nodes.JsonArray before)
                {
                    earlier.AddRange(before.Select(n => n?.DeepClone()));
                    node.AsObject().Remove("earlier");
                }

                earlier.Add(node);
            }

            log.Write($"continuing from the saved weights at peak rate {learningRate}");
        }
        textEncoder.train();
        unet.train();
        using var scheduler = new DdpmScheduler(ToyModelConfigs.Scheduler);
        var parameters = unet.parameters().Concat(textEncoder.parameters()).ToList();
        log.Write($"UNet {unet.parameters().Sum(p => p.numel()):N0} parameters, text encoder {textEncoder.parameters().Sum(p => p.numel()):N0}");
        using var optimizer = optim.AdamW(parameters, learningRate, weight_decay: 1e-2);
        var schedule = new WarmupCosineSchedule(learningRate, continuing ? 50 : 200, steps);
        using var unetAverage = new ExponentialMovingAverage(unet, 0.999);
        using var textAverage = new ExponentialMovingAverage(textEncoder, 0.999);
        double sum = 0;
        var losses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            schedule.Apply(optimizer, step);
            var indices = randint(0, data.Count, [32], generator: generator);
            var captions = indices.data<long>().ToArray()
                .Select(i => captionRandom.NextDouble() < 0.1 ? string.Empty : ToyCaption.Describe(data.Scenes[(int)i], captionRandom))
                .ToList();
            var ids = tokenizer.EncodeToTensor(captions);
            var latents = (means.index_select(0, indices) + (stds.index_select(0, indices) * randn([32, 4, 16, 16], generator: generator))) * scaling;
            var timesteps = randint(0, 1000, [32], generator: generator);
            var noise = randn(latents.shape, generator: generator);
            var noisy = scheduler.AddNoise(latents, noise, timesteps);
            var prediction = unet.call(noisy, timesteps, textEncoder.call(ids));
            var loss = nn.functional.mse_loss(prediction, noise);
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            unetAverage.Update();
            textAverage.Update();
            sum += loss.item<float>();
            if ((step + 1) % 100 == 0)
            {
                losses.Add(sum / 100);
                log.Write($"step {step + 1}/{steps}  loss {sum / 100:F4}");
                sum = 0;
            }

            if ((evalEvery > 0 && (step + 1) % evalEvery == 0) || step + 1 == steps)
            {
                Save(work, unetAverage, textAverage);
                Evaluate(work, log, step + 1);
            }
        }

        File.WriteAllText(
            Path.Combine(work, RecordFile),
            JsonSerializer.Serialize(new { steps, seed, learning_rate = learningRate, continued = continuing, seconds = log.Elapsed.TotalSeconds, loss_per_100_steps = losses, earlier }, Json.Indented));
        means.Dispose();
        stds.Dispose();
        log.Write($"done in {log.Elapsed.TotalMinutes:F1} min");
    }

    /// <summary>Builds a pipeline from the work folder's saved models.</summary>
    /// <param name="work">The work folder.</param>
    /// <returns>The pipeline.</returns>
    public static StableDiffusionPipeline LoadPipeline(string work)
    {
        var tokenizer = ClipTokenizer.FromPretrained(Path.Combine(work, TokenizerFolder));
        var textEncoder = new ClipTextModel(ToyModelConfigs.TextEncoder(tokenizer.VocabularySize));
        var unet = new UNet2DConditionModel(ToyModelConfigs.Unet);
        Copy(Path.Combine(work, TextEncoderFile), textEncoder);
        Copy(Path.Combine(work, UnetFile), unet);
        return new StableDiffusionPipeline(tokenizer, textEncoder, VaeStage.Load(work), unet, new DdpmScheduler(ToyModelConfigs.Scheduler));
    }

    private static void Evaluate(string work, StageLog log, int step)
    {
        using var pipeline = LoadPipeline(work);
        pipeline.Unet.eval();
        pipeline.TextEncoder.eval();
        using var metric = MetricStage.Load(work);
        SampleQuality.Report(log, pipeline, metric, 4, 4.0, Path.Combine(work, $"samples-step{step}.png"));
    }

    private static void Save(string work, ExponentialMovingAverage unet, ExponentialMovingAverage textEncoder)
    {
        SafetensorsFile.Write(Path.Combine(work, UnetFile), unet.Averaged());
        SafetensorsFile.Write(Path.Combine(work, TextEncoderFile), textEncoder.Averaged());
    }

    private static void Copy(string file, nn.Module module) => Dvar.Demo.StrictWeights.Load(module, file);

    private static (Tensor Means, Tensor Stds, double Scaling) EncodeAll(string work, ToyDataset data)
    {
        using var vae = VaeStage.Load(work);
        using var noGrad = no_grad();
        var means = new List<Tensor>();
        var stds = new List<Tensor>();
        for (int start = 0; start < data.Count; start += 512)
        {
            using var scope = NewDisposeScope();
            using var posterior = vae.Encode(data.Batch(arange(start, Math.Min(start + 512, data.Count))));
            means.Add(posterior.Mean.clone().MoveToOuterDisposeScope());
            stds.Add(posterior.Std.clone().MoveToOuterDisposeScope());
        }

        var mean = cat(means, 0);
        var std = cat(stds, 0);
        means.ForEach(t => t.Dispose());
        stds.ForEach(t => t.Dispose());
        return (mean, std, vae.ScalingFactor);
    }
}
