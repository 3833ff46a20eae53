using System.Diagnostics;
using System.Text.Json;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.Clip;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>Times one CLIP-s check as the trainer runs it: <see cref="ConceptScorer.Sample"/> (8 images from the training
/// prompts, 50 PNDM steps with guidance, VAE decode) and <see cref="ConceptScorer.Score(ConceptSamples)"/> (CLIP ViT-B/32
/// preprocessing and image features, cosines), on the pipeline with the method attached, at the benchmark's image size.</summary>
internal static class ClipSBenchmark
{
    /// <summary>Measures <paramref name="runs"/> checks after <paramref name="warmup"/>.</summary>
    public static (Timing Sampling, Timing Scoring) Measure(
        StableDiffusionPipeline pipeline, ConceptData data, string fixtures, bool full, int resolution, int steps, int warmup, int runs, TextWriter log)
    {
        using var metric = CreateClip(fixtures, full, pipeline.Device);
        var options = new ConceptScorerOptions { Steps = steps, Sampler = SamplerKind.Pndm, GuidanceScale = 7.5, ImageSize = resolution };
        using var scorer = new ConceptScorer(metric, data, options);
        var sampling = new double[runs];
        var scoring = new double[runs];
        for (int i = 0; i < warmup + runs; i++)
        {
            var watch = Stopwatch.StartNew();
            using var samples = scorer.Sample(pipeline);
            double sampled = watch.Elapsed.TotalSeconds;
            scorer.Score(samples);
            double scored = watch.Elapsed.TotalSeconds - sampled;
            log.WriteLine($"  CLIP-s check {i + 1}: sampling {sampled:F2} s, scoring {scored:F2} s{(i < warmup ? " (warm-up)" : string.Empty)}");
            if (i >= warmup)
            {
                sampling[i - warmup] = sampled;
                scoring[i - warmup] = scored;
            }
        }

        return (Timing.Of(sampling), Timing.Of(scoring));
    }

    /// <summary>ViT-B/32 from its published config with random weights (full), or the tiny CLIP fixture.</summary>
    private static ClipMetric CreateClip(string fixtures, bool full, Device device)
    {
        if (!full)
        {
            return ClipMetric.FromPretrained(Path.Combine(fixtures, "clip-tiny"), device);
        }

        string folder = Path.Combine(fixtures, "clip-structure", "openai-clip-vit-base-patch32");
        var config = JsonSerializer.Deserialize<ClipModelConfig>(File.ReadAllText(Path.Combine(folder, "config.json")))
            ?? throw new InvalidDataException($"{folder}/config.json is null.");
        var model = new ClipModel(config);
        model.to(device);
        return new ClipMetric(model, ClipImageProcessor.FromPretrained(folder), ClipTokenizer.CreateDefault(), "clip-vit-base-patch32 (random weights)");
    }
}
