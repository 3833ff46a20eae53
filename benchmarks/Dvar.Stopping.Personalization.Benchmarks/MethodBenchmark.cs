using System.Diagnostics;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>Times one method on a fresh pipeline through the public API: training steps inside a
/// <see cref="PersonalizationTrainer"/> (no evaluation), then <see cref="DeterministicEvaluator.Evaluate"/> at batch 8 and 2.</summary>
internal static class MethodBenchmark
{
    public static MethodMeasurement Measure(
        string methodName, StableDiffusionPipeline pipeline, string images, int resolution, BenchmarkOptions options, TextWriter log)
    {
        using var method = Create(methodName);
        method.Attach(pipeline);
        using var data = new ConceptData(
            ConceptImages.Load(images, new ConceptImageOptions { Resolution = resolution }), method.Defaults.Templates, method.Placeholder);
        long trainable = method.TrainableParameters.Sum(p => p.Parameter.numel());
        int warmup = options.EffectiveWarmup;
        int runs = options.EffectiveRuns;
        string output = Directory.CreateTempSubdirectory("dvar-bench-run-").FullName;
        try
        {
            // Training: the trainer's own loop (batch sample, text encoder, UNet forward, backward, clipping, AdamW step);
            // no evaluation, so consecutive progress reports are one step apart.
            var clock = new StepClock();
            var trainer = new PersonalizationTrainer(
                new PersonalizationTrainerOptions
                {
                    Method = method,
                    Data = data,
                    OutputFolder = output,
                    MaxSteps = warmup + runs,
                    EvaluationFrequency = 0,
                },
                progress: clock);
            trainer.Train();
            var training = Timing.Of(clock.StepSeconds(warmup));
            log.WriteLine($"  {methodName}: training step (batch {method.Defaults.BatchSize}) {training} s");

            Timing? batch8 = null, batch2 = null;
            if (!options.SkipDeterministicLoss)
            {
                batch8 = TimeEvaluation(method, data, 8, warmup, runs);
                log.WriteLine($"  {methodName}: L_det batch 8 {batch8} s");
                batch2 = TimeEvaluation(method, data, 2, warmup, runs);
                log.WriteLine($"  {methodName}: L_det batch 2 {batch2} s");
            }

            if (options.ClipSSteps is not { } steps)
            {
                return new MethodMeasurement(methodName, trainable, method.Defaults.BatchSize, training, batch8, batch2);
            }

            var (sampling, scoring) = ClipSBenchmark.Measure(pipeline, data, options.Fixtures, options.IsFull, resolution, steps, warmup, runs, log);
            log.WriteLine($"  {methodName}: CLIP-s check ({steps} steps) sampling {sampling} s, scoring {scoring} s");
            return new MethodMeasurement(methodName, trainable, method.Defaults.BatchSize, training, batch8, batch2, sampling, scoring);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static Timing TimeEvaluation(PersonalizationMethod method, ConceptData data, int batchSize, int warmup, int runs)
    {
        // The evaluator builds its batch once (VAE posteriors, latents, noise, timesteps): not timed, as in training.
        using var evaluator = new DeterministicEvaluator(method, data, new DeterministicEvaluatorOptions { BatchSize = batchSize });
        var seconds = new double[runs];
        for (int i = 0; i < warmup + runs; i++)
        {
            var watch = Stopwatch.StartNew();
            evaluator.Evaluate();
            if (i >= warmup)
            {
                seconds[i - warmup] = watch.Elapsed.TotalSeconds;
            }
        }

        return Timing.Of(seconds);
    }

    // The diffusers recipe: a step's cost is the same under both recipes for Textual Inversion and DreamBooth-LoRA; for Custom
    // Diffusion the authors' recipe adds class rows (twice the batch) and a VAE encode of the augmented images per step.
    private static PersonalizationMethod Create(string name) => name switch
    {
        "textual-inversion" => new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<bench>", InitializerToken = "toy" }),
        "dreambooth-lora" => new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<bench>", InitializerToken = "dog" }),
        _ => new CustomDiffusion(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers, ModifierToken = "<bench>" }),
    };
}
