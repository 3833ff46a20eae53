using System.Globalization;
using Dvar.Demo;
using Dvar.Demo.Metric;
using Dvar.Demo.Training;
using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>How precise the demo's "train img" is: measures the DVAR and budget runs of a <c>dvar demo</c> output folder again
/// with many more samples and several seeds (the demo's sampler, steps and guidance, <see cref="DemoQualityOptions"/>), and
/// prints each run's score per seed and the gap DVAR - budget per job and per method, beside the demo's own 64-sample
/// figures from its <c>summary.json</c>.</summary>
/// <remarks><c>--rescore-demo DIR [--samples N]</c> (default 512 per seed; seeds: the demo's final seed, 1, 2). Textual Inversion
/// loads <c>learned_embeds.safetensors</c>, Custom Diffusion its weights folder, into a fresh toy pipeline; DreamBooth-LoRA runs
/// (<c>--method all</c>) are not measured.</remarks>
internal static class RescoreBenchmark
{
    private static readonly long[] Seeds = [DemoQualityOptions.Final.Seed, 1, 2];

    public static int Measure(string demoFolder, int samples, TextWriter log)
    {
        string runs = Path.Combine(demoFolder, "runs");
        if (!Directory.Exists(runs))
        {
            throw new ArgumentException($"--rescore-demo: {demoFolder} holds no runs/ folder; give a dvar demo --out folder.");
        }

        var rows = new List<string>();
        var gaps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (string method in new[] { "textual-inversion", "custom-diffusion" })
        {
            for (int k = 0; k < ToyWorld.HeldOut.Count; k++)
            {
                var concept = ToyWorld.Concept(k);
                string job = Path.Combine(runs, method, concept.Name);
                if (!Directory.Exists(job))
                {
                    continue;
                }

                double dvar = Score(method, concept, demoFolder, Path.Combine(job, "dvar"), samples, out string dvarSeeds);
                double budget = Score(method, concept, demoFolder, Path.Combine(job, "budget"), samples, out string budgetSeeds);
                log.WriteLine($"  {method} {concept.Name}: DVAR {dvarSeeds}; budget {budgetSeeds}; {MachineInfo.LoadAverage()}");
                rows.Add(Invariant($"| {method} | {concept.Name} | {dvar:F3} | {budget:F3} | {dvar - budget:+0.000;-0.000} |"));
                (gaps.TryGetValue(method, out var list) ? list : gaps[method] = []).Add(dvar - budget);
            }
        }

        log.WriteLine();
        log.WriteLine(Invariant($"train img, mean over {Seeds.Length} seeds x {samples} training-prompt samples (the demo's final measurement: 64 samples, one seed)"));
        log.WriteLine();
        log.WriteLine("| method | concept | DVAR | budget | DVAR - budget |");
        log.WriteLine("|---|---|---:|---:|---:|");
        rows.ForEach(log.WriteLine);
        log.WriteLine();
        foreach (var (method, list) in gaps)
        {
            log.WriteLine(Invariant($"{method}: mean DVAR - budget over concepts {list.Average():+0.000;-0.000}"));
        }

        return 0;
    }

    private static double Score(string method, ToyConcept concept, string demoFolder, string runFolder, int samples, out string perSeed)
    {
        var scores = TrainImages(method, concept, Path.Combine(demoFolder, "concepts", concept.Name), runFolder, samples, Seeds);
        perSeed = string.Join(" ", scores.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)));
        return scores.Average();
    }

    /// <summary>The train img of a demo run's artifacts, loaded once into a fresh float32 toy pipeline and sampled as the demo's
    /// final measurement does, with <paramref name="samples"/> training-prompt samples from each of <paramref name="seeds"/>.</summary>
    /// <param name="method">textual-inversion or custom-diffusion.</param>
    /// <param name="concept">The concept (its token).</param>
    /// <param name="photos">The concept's photo folder.</param>
    /// <param name="runFolder">The run's output folder (its artifacts).</param>
    /// <param name="samples">Training-prompt samples.</param>
    /// <param name="seeds">The sampling seeds.</param>
    /// <returns>The score of each seed.</returns>
    public static double[] TrainImages(string method, ToyConcept concept, string photos, string runFolder, int samples, IReadOnlyList<long> seeds)
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(DemoAssets.PipelineFolder(DemoAssets.DefaultFolder));
        if (method == "custom-diffusion")
        {
            CustomDiffusion.LoadWeights(pipeline, runFolder);
        }
        else
        {
            TextualInversion.LoadEmbeddings(pipeline, Path.Combine(runFolder, TextualInversion.EmbeddingsFileName));
        }

        using var data = DemoTraining.LoadConcept(photos, concept.Token);
        using var metric = ToyMetric.FromPretrained(DemoAssets.MetricFolder(DemoAssets.DefaultFolder));
        pipeline.Unet.eval();
        pipeline.TextEncoder.eval();
        return [.. seeds.Select(seed =>
        {
            using var scorer = new ConceptScorer(metric, data, DemoQualityOptions.Final with { TrainSamples = samples, SamplesPerValidationPrompt = 1, Seed = seed });
            using var drawn = scorer.Sample(pipeline);
            return scorer.Score(drawn).TrainImage;
        })];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
