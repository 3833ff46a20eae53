using System.Diagnostics;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>Times one method on fresh pipelines (one per dtype: float32, and the compared dtype's frozen weights with the
/// method's float32 trainable parameters and float32 loss) through the public API: training steps inside a
/// <see cref="PersonalizationTrainer"/> (no evaluation), then <see cref="DeterministicEvaluator.Evaluate"/> at batch 8 and a
/// smaller batch. With several dtypes the runs are interleaved (a round of every dtype, then the next round), so a ratio
/// between dtypes sees the same machine load.</summary>
internal static class MethodBenchmark
{
    public static IReadOnlyList<MethodMeasurement> Measure(
        string methodName, IReadOnlyList<StableDiffusionPipeline> pipelines, string images, int resolution, BenchmarkOptions options, TextWriter log)
    {
        var methods = new List<PersonalizationMethod>();
        var datas = new List<ConceptData>();
        var outputs = new List<string>();
        try
        {
            foreach (var pipeline in pipelines)
            {
                var method = Create(methodName);
                methods.Add(method);
                method.Attach(pipeline);
                datas.Add(new ConceptData(ConceptImages.Load(images, method.Defaults.ImageOptions(resolution)), method.Defaults.Templates, method.Placeholder));
                outputs.Add(Directory.CreateTempSubdirectory("dvar-bench-run-").FullName);
            }

            string[] names = [.. pipelines.Select(p => Dtypes.Name(p.Dtype))];
            long trainable = methods[0].TrainableParameters.Sum(p => p.Parameter.numel());
            int warmup = options.EffectiveWarmup;
            int runs = options.EffectiveRuns;

            // Training: the trainer's own loop (batch sample, text encoder, UNet forward, backward, clipping, AdamW step); no
            // evaluation, so consecutive progress reports are one step apart. One dtype's round is a trainer of warm-up + 1 steps
            // (the last one timed); the rounds alternate between the dtypes.
            var training = names.Select(_ => new double[runs]).ToArray();
            for (int r = 0; r < runs; r++)
            {
                for (int i = 0; i < pipelines.Count; i++)
                {
                    var clock = new StepClock();
                    var trainer = new PersonalizationTrainer(
                        new PersonalizationTrainerOptions
                        {
                            Method = methods[i],
                            Data = datas[i],
                            OutputFolder = outputs[i],
                            MaxSteps = warmup + 1,
                            EvaluationFrequency = 0,
                        },
                        progress: clock);
                    trainer.Train();
                    training[i][r] = clock.StepSeconds(Math.Max(warmup - 1, 0))[^1];
                    log.WriteLine($"    {methodName} {names[i]} training step, round {r + 1}: {training[i][r]:F3} s; {MachineInfo.LoadAverage()}");
                }
            }

            var trainingTimings = training.Select(Timing.Of).ToArray();
            Timing[]? batch8 = null, small = null;
            if (!options.SkipDeterministicLoss)
            {
                batch8 = TimeEvaluation(methodName, methods, datas, names, 8, warmup, runs, log);
                small = TimeEvaluation(methodName, methods, datas, names, options.SmallEvaluationBatch, warmup, runs, log);
            }

            var results = new List<MethodMeasurement>();
            for (int i = 0; i < pipelines.Count; i++)
            {
                log.WriteLine($"  {methodName} {names[i]}: training step (batch {methods[i].Defaults.BatchSize}) {trainingTimings[i]} s" +
                    (batch8 is null ? "" : $", L_det batch 8 {batch8[i]} s, batch {options.SmallEvaluationBatch} {small![i]} s"));
                Timing? sampling = null, scoring = null;
                if (options.ClipSSteps is { } steps)
                {
                    (sampling, scoring) = ClipSBenchmark.Measure(pipelines[i], datas[i], options.Fixtures, options.IsFull, resolution, steps, warmup, runs, log);
                    log.WriteLine($"  {methodName} {names[i]}: CLIP-s check ({steps} steps) sampling {sampling} s, scoring {scoring} s");
                }

                results.Add(new MethodMeasurement(
                    methodName, pipelines[i].Dtype, trainable, methods[i].Defaults.BatchSize, trainingTimings[i], batch8?[i], small?[i], sampling, scoring));
            }

            return results;
        }
        finally
        {
            foreach (var data in datas)
            {
                data.Dispose();
            }

            foreach (var method in methods)
            {
                method.Dispose();
            }

            foreach (string output in outputs)
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static Timing[] TimeEvaluation(
        string methodName, List<PersonalizationMethod> methods, List<ConceptData> datas, string[] names, int batchSize, int warmup, int runs, TextWriter log)
    {
        // Each evaluator builds its batch once (VAE posteriors, latents, noise, timesteps): not timed, as in training.
        var evaluators = methods.Select((m, i) => new DeterministicEvaluator(m, datas[i], new DeterministicEvaluatorOptions { BatchSize = batchSize })).ToArray();
        try
        {
            var seconds = names.Select(_ => new double[runs]).ToArray();
            for (int k = 0; k < warmup + runs; k++)
            {
                for (int i = 0; i < evaluators.Length; i++)
                {
                    var watch = Stopwatch.StartNew();
                    double loss = evaluators[i].Evaluate();
                    double elapsed = watch.Elapsed.TotalSeconds;
                    if (k >= warmup)
                    {
                        seconds[i][k - warmup] = elapsed;
                        log.WriteLine($"    {methodName} {names[i]} L_det batch {batchSize}, run {k - warmup + 1}: {elapsed:F3} s (L_det {loss:G6}); {MachineInfo.LoadAverage()}");
                    }
                }
            }

            return [.. seconds.Select(Timing.Of)];
        }
        finally
        {
            foreach (var evaluator in evaluators)
            {
                evaluator.Dispose();
            }
        }
    }

    // The diffusers recipe: a step's cost is the same under both recipes for Textual Inversion and DreamBooth-LoRA. Custom
    // Diffusion is measured without its random rescaling (--no-augmentation), which adds a VAE encode of the augmented images
    // per step under both recipes; the authors' recipe also adds class rows (twice the batch).
    private static PersonalizationMethod Create(string name) => name switch
    {
        "textual-inversion" => new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<bench>", InitializerToken = "toy" }),
        "dreambooth-lora" => new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<bench>", InitializerToken = "dog" }),
        BenchmarkOptions.AugmentedCustomDiffusion => new CustomDiffusion(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers, ModifierToken = "<bench>", RescaleAugmentation = true }),
        _ => new CustomDiffusion(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers, ModifierToken = "<bench>", RescaleAugmentation = false }),
    };
}
