using System.Diagnostics;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>Times a UNet at batch 1 in one or more dtypes, interleaved run by run in the same process so that a ratio between
/// dtypes sees the same machine load: the forward (evaluation mode, no_grad); the training step of a personalization method
/// with frozen weights (weights without gradients; float32 conditioning with a gradient, cast to the model's dtype at the UNet's
/// boundary; the prediction cast back to float32 and an MSE loss in float32, as the library's mixed-precision path does); and,
/// unless skipped, forward+backward with every weight's gradient (the fine-tuning upper bound). Records the process's peak
/// resident memory of each phase (over all dtypes of the phase).</summary>
internal static class UnetBenchmark
{
    public static IReadOnlyList<UnetMeasurement> Measure(
        string name, IReadOnlyList<UNet2DConditionModel> models, int latent, int warmup, int runs, bool weightGradients, TextWriter log)
    {
        var first = models[0];
        using var generator = new Generator(0, CPU);
        using var sample32 = randn([1, first.Config.InChannels, latent, latent], generator: generator);
        using var context32 = randn([1, 77, first.Config.CrossAttentionDim[0]], generator: generator);
        using var target32 = randn([1, first.Config.OutChannels, latent, latent], generator: generator);
        using var timestep = tensor(500L);
        long parameters = first.parameters().Sum(p => p.numel());
        long? afterBuild = ProcessMemory.Resident;
        var dtypes = models.Select(m => m.parameters().First().dtype).ToArray();
        var samples = dtypes.Select(d => sample32.to_type(d)).ToArray();
        var contexts = dtypes.Select(d => context32.to_type(d)).ToArray();
        try
        {
            foreach (var model in models)
            {
                model.eval();
            }

            ProcessMemory.ResetPeak();
            var forward = Time(warmup, runs, dtypes, log, $"{name} forward", i =>
            {
                using var noGrad = no_grad();
                using var output = models[i].forward(samples[i], timestep, contexts[i]);
            });
            long? peakForward = ProcessMemory.Peak;

            foreach (var model in models)
            {
                model.train();
                SetRequiresGrad(model, false);
            }

            ProcessMemory.ResetPeak();
            var frozen = Time(warmup, runs, dtypes, log, $"{name} training step (frozen weights, float32 loss)", i =>
            {
                // The conditioning is the leaf that needs a gradient (Textual Inversion's path back to the token embedding).
                using var leaf = context32.detach().requires_grad_(true);
                using var scope = NewDisposeScope();
                var context = leaf.to_type(dtypes[i]);
                var prediction = models[i].forward(samples[i], timestep, context).to_type(ScalarType.Float32);
                var loss = nn.functional.mse_loss(prediction, target32);
                loss.backward();
            });
            long? peakFrozen = ProcessMemory.Peak;

            Timing[]? allWeights = null;
            long? peakAllWeights = null;
            if (weightGradients)
            {
                foreach (var model in models)
                {
                    SetRequiresGrad(model, true);
                }

                ProcessMemory.ResetPeak();
                allWeights = Time(warmup, runs, dtypes, log, $"{name} forward+backward (all weights' gradients)", i =>
                {
                    using var output = models[i].forward(samples[i], timestep, contexts[i]);
                    using var squared = output.square();
                    using var loss = squared.mean();
                    loss.backward();
                    models[i].zero_grad();
                });
                peakAllWeights = ProcessMemory.Peak;
            }

            foreach (var model in models)
            {
                model.eval();
                SetRequiresGrad(model, true);
            }

            return [.. dtypes.Select((d, i) => new UnetMeasurement(
                name, d, parameters, latent, runs, warmup, forward[i], frozen[i], allWeights?[i], afterBuild, peakForward, peakFrozen, peakAllWeights))];
        }
        finally
        {
            foreach (var t in samples.Concat(contexts))
            {
                t.Dispose();
            }
        }
    }

    private static void SetRequiresGrad(UNet2DConditionModel model, bool value)
    {
        foreach (var p in model.parameters())
        {
            p.requires_grad_(value);
        }
    }

    /// <summary>Runs <paramref name="run"/> for every dtype in turn, warm-up rounds first, then timed rounds (so every dtype's
    /// i-th timed run happens next to the others'); logs each run with the load average.</summary>
    private static Timing[] Time(int warmup, int runs, ScalarType[] dtypes, TextWriter log, string what, Action<int> run)
    {
        for (int w = 0; w < warmup; w++)
        {
            for (int i = 0; i < dtypes.Length; i++)
            {
                run(i);
            }
        }

        var seconds = new double[dtypes.Length][];
        for (int i = 0; i < dtypes.Length; i++)
        {
            seconds[i] = new double[runs];
        }

        for (int r = 0; r < runs; r++)
        {
            for (int i = 0; i < dtypes.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                run(i);
                seconds[i][r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                log.WriteLine($"    {what} {DtypeName(dtypes[i])} run {r + 1}: {seconds[i][r]:F3} s; {MachineInfo.LoadAverage()}");
            }
        }

        var timings = seconds.Select(Timing.Of).ToArray();
        for (int i = 0; i < dtypes.Length; i++)
        {
            log.WriteLine($"  {what} {DtypeName(dtypes[i])}: median (min-max) {timings[i]} s of {runs} after {warmup} warm-up");
        }

        return timings;
    }

    /// <summary>The PyTorch name of a dtype (float32, bfloat16, float16).</summary>
    public static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => dtype.ToString(),
    };
}
