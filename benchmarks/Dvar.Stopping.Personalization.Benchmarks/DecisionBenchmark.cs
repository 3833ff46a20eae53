using System.Globalization;
using Dvar.Demo;
using Dvar.Demo.Metric;
using Dvar.Demo.Training;
using Dvar.Demo.World;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>Whether a cheaper configuration keeps DVAR's decision: trains each (method, concept) job once per configuration
/// (frozen-weights dtype, L_det batch, evaluation frequency) from the same seeds with DVAR as the criterion, and prints each
/// configuration's stop step and its L_det trace against the reference configuration's (relative difference, Pearson
/// correlation over the steps both evaluated).</summary>
/// <remarks>
/// <c>--decision demo</c>: the toy pipeline and held-out concepts of <c>dvar demo</c> with the demo's recipe (Textual Inversion
/// and Custom Diffusion, learning rates 2e-3 / 3e-3, batch 4, DVAR N = 100, α = 0.15, training seed 0, evaluation seed 1);
/// the float32 batch-4 every-step runs are the demo's own DVAR runs and must stop where docs/demo.md says.
/// <c>--decision tiny</c>: the sd-tiny fixture with the synthetic concept photos, Textual Inversion's defaults, the same DVAR.
/// With <c>--eval-every 2</c> DVAR's window is halved (50 evaluations span the same 100 steps), as docs/personalization.md advises.
/// </remarks>
internal static class DecisionBenchmark
{
    private const int Budget = DemoTraining.Budget;

    private static readonly DvarOptions Dvar = DemoTraining.Dvar;

    /// <summary>One configuration: the frozen models' dtype, the L_det batch and the evaluation frequency, and the dtype of the
    /// second pipeline L_det is computed on (null: the training pipeline).</summary>
    private sealed record Config(string Name, ScalarType Dtype, int EvaluationBatch, int Every, ScalarType? EvaluationDtype = null);

    /// <summary>One run's outcome: its stop step (null at the budget), the L_det of every evaluated step, and (demo jobs) the train
    /// img of the saved parameters.</summary>
    private sealed record Run(long? Stop, SortedDictionary<long, double> Trace, double Seconds, double? TrainImage);

    /// <summary>Training-prompt samples of the demo jobs' train img (one seed, the demo's final one; σ about 0.013).</summary>
    private const int QualitySamples = 256;

    public static int Measure(BenchmarkOptions options, TextWriter log)
    {
        Config[] configs =
        [
            new("float32, L_det batch 4, every step (reference)", ScalarType.Float32, 4, 1),
            new("bfloat16 frozen weights, L_det batch 4, every step", ScalarType.BFloat16, 4, 1),
            new("bfloat16 frozen weights, L_det in float32, batch 4, every step", ScalarType.BFloat16, 4, 1, ScalarType.Float32),
            new("float32, L_det batch 8, every step", ScalarType.Float32, 8, 1),
            new("float32, L_det batch 4, every 2nd step", ScalarType.Float32, 4, 2),
            new("float32, L_det batch 8, every 2nd step", ScalarType.Float32, 8, 2),
            new("bfloat16 frozen weights, L_det in float32, batch 4, every 2nd step", ScalarType.BFloat16, 4, 2, ScalarType.Float32),
        ];
        if (options.Decision == "tiny")
        {
            configs = configs[..3];
        }

        var rows = new List<string>();
        foreach (var (jobName, job) in Jobs(options))
        {
            var reference = (Run?)null;
            var batch8 = (Run?)null;
            foreach (var config in configs)
            {
                var run = job(config);
                log.WriteLine($"  {jobName} | {config.Name}: stop {Text(run.Stop)}, train img {run.TrainImage:F3} ({run.Seconds:F1} s); {MachineInfo.LoadAverage()}");
                reference ??= run;
                if (config.Dtype == ScalarType.Float32 && config.EvaluationBatch == 8 && config.Every == 1 && config.EvaluationDtype is null)
                {
                    batch8 = run;
                }

                var (relMean, relMax, corr, common) = Compare(reference.Trace, run.Trace);
                string vsBatch8 = batch8 is null || config.EvaluationBatch == 4 && config.Every == 1 ? "" : Difference(batch8.Stop, run.Stop);
                rows.Add($"| {jobName} | {config.Name} | {Text(run.Stop)} | {Difference(reference.Stop, run.Stop)} | {vsBatch8} | {common} | " +
                    $"{relMean:P2} | {relMax:P2} | {corr:F4} | {run.TrainImage:F3} | {run.Seconds:F1} |");
            }
        }

        log.WriteLine(MachineInfo.LoadAverage());
        log.WriteLine();
        log.WriteLine($"DVAR N = {Dvar.Window} evaluations (50 at every 2nd step), α = {Dvar.Threshold}, budget {Budget}; libtorch threads {get_num_threads()}. "
            + "L_det columns compare with the float32 batch-4 every-step trace over the steps both runs evaluated; batch-8 traces are a different "
            + "evaluation batch, so their relative difference measures the batch, not rounding.");
        log.WriteLine();
        log.WriteLine($"train img: the saved parameters in a float32 toy pipeline, {QualitySamples} training-prompt samples as the demo's final measurement (demo jobs only).");
        log.WriteLine();
        log.WriteLine("| job | configuration | DVAR stop step | vs float32 batch 4 every step | vs float32 batch 8 every step | steps compared | L_det mean relative difference | max | correlation | train img | wall s |");
        log.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(log.WriteLine);
        return 0;
    }

    private static IEnumerable<(string Name, Func<Config, Run> Run)> Jobs(BenchmarkOptions options)
    {
        if (options.Decision == "tiny")
        {
            string images = SyntheticConcept.Write(32);
            try
            {
                yield return ("tiny textual-inversion synthetic", config => Train(
                    dtype => StableDiffusionPipeline.FromPretrained(Path.Combine(options.Fixtures, "sd-tiny"), CPU, dtype),
                    () => new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<bench>", InitializerToken = "toy" }),
                    method => new ConceptData(ConceptImages.Load(images, new ConceptImageOptions { Resolution = 32 }), method.Defaults.Templates, method.Placeholder),
                    learningRate: null,
                    batchSize: null,
                    config,
                    quality: null));
            }
            finally
            {
                Directory.Delete(images, recursive: true);
            }

            yield break;
        }

        string assets = DemoAssets.DefaultFolder;
        string photos = Directory.CreateTempSubdirectory("dvar-bench-demo-").FullName;
        try
        {
            var concepts = Enumerable.Range(0, 2).Select(k => ToyWorld.Concept(k)).ToList();
            foreach (var concept in concepts)
            {
                DemoTraining.WritePhotos(concept, Path.Combine(photos, concept.Name));
            }

            foreach (string method in new[] { "textual-inversion", "custom-diffusion" })
            {
                foreach (var concept in concepts)
                {
                    string folder = Path.Combine(photos, concept.Name);
                    yield return ($"demo {method} {concept.Name}", config => Train(
                        dtype => StableDiffusionPipeline.FromPretrained(DemoAssets.PipelineFolder(assets), CPU, dtype),
                        () => method == "textual-inversion" ? DemoTraining.TextualInversion(concept) : DemoTraining.CustomDiffusion(concept),
                        m => DemoTraining.LoadConcept(folder, m.Placeholder),
                        learningRate: method == "textual-inversion" ? DemoTraining.TextualInversionLearningRate : DemoTraining.AdapterLearningRate,
                        batchSize: DemoTraining.BatchSize,
                        config,
                        quality: run => RescoreBenchmark.TrainImages(method, concept, folder, run, QualitySamples, [DemoQualityOptions.Final.Seed])[0]));
                }
            }
        }
        finally
        {
            Directory.Delete(photos, recursive: true);
        }
    }

    private static Run Train(
        Func<ScalarType, StableDiffusionPipeline> pipelineFactory, Func<PersonalizationMethod> methodFactory, Func<PersonalizationMethod, ConceptData> dataFactory,
        double? learningRate, int? batchSize, Config config, Func<string, double>? quality)
    {
        using var pipeline = pipelineFactory(config.Dtype);
        using var method = methodFactory();
        method.Attach(pipeline);
        using var evaluationPipeline = config.EvaluationDtype is { } evaluationDtype ? pipelineFactory(evaluationDtype) : null;
        using var evaluationMethod = evaluationPipeline is null ? null : methodFactory();
        evaluationMethod?.Attach(evaluationPipeline!);
        using var data = dataFactory(method);
        string output = Directory.CreateTempSubdirectory("dvar-bench-decision-").FullName;
        try
        {
            var trace = new TraceRecorder(config.Every);
            var options = new PersonalizationTrainerOptions
            {
                Method = method,
                Data = data,
                OutputFolder = output,
                MaxSteps = Budget,
                TrainingSeed = 0,
                EvaluationSeed = 1,
                EvaluationBatchSize = config.EvaluationBatch,
                EvaluationFrequency = config.Every,
                Criterion = new DvarCriterion(config.Every == 1 ? Dvar : Dvar with { Window = Dvar.Window / config.Every }),
                EvaluationMethod = evaluationMethod,
            };
            options = options with { LearningRate = learningRate, BatchSize = batchSize ?? options.BatchSize };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = new PersonalizationTrainer(options, progress: trace).Train();
            double seconds = watch.Elapsed.TotalSeconds;
            return new Run(result.StopReason == TrainingStopReason.CriterionFired ? result.StepsTrained : null, trace.Trace, seconds, quality?.Invoke(output));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Mean and max of |b − a| / |a| and Pearson's r over the steps in both traces.</summary>
    private static (double RelMean, double RelMax, double Correlation, int Count) Compare(SortedDictionary<long, double> a, SortedDictionary<long, double> b)
    {
        var steps = a.Keys.Where(b.ContainsKey).ToArray();
        if (steps.Length < 2)
        {
            return (double.NaN, double.NaN, double.NaN, steps.Length);
        }

        double[] x = [.. steps.Select(s => a[s])];
        double[] y = [.. steps.Select(s => b[s])];
        var rel = x.Zip(y, (p, q) => Math.Abs(q - p) / Math.Abs(p)).ToArray();
        double mx = x.Average(), my = y.Average();
        double cov = x.Zip(y, (p, q) => (p - mx) * (q - my)).Sum();
        double r = cov / Math.Sqrt(x.Sum(p => (p - mx) * (p - mx)) * y.Sum(q => (q - my) * (q - my)));
        return (rel.Average(), rel.Max(), r, steps.Length);
    }

    private static string Text(long? stop) => stop?.ToString(CultureInfo.InvariantCulture) ?? $"none (budget {Budget})";

    private static string Difference(long? reference, long? other) =>
        reference is { } a && other is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b - a:+0;-0;0} ({(b - a) / (double)a:+0.0%;-0.0%;0.0%})") : "n/a";

    /// <summary>Records L_det by step. Progress reports come after every step; the step-0 evaluation is reported before the first
    /// step (with step 0) where the trainer reports it, so the trace is keyed by the reported step.</summary>
    private sealed class TraceRecorder(int every) : IProgress<TrainingProgress>
    {
        public SortedDictionary<long, double> Trace { get; } = [];

        public void Report(TrainingProgress value)
        {
            if (value.DeterministicLoss is { } det && (every == 1 || value.Step % every == 0))
            {
                Trace[value.Step] = det;
            }
        }
    }
}
