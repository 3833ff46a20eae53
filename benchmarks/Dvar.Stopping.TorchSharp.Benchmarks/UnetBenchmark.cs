using System.Diagnostics;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>Times a UNet's forward (evaluation mode, no_grad) and forward+backward (training mode, MSE-like loss, grads freed after
/// each step) at batch 1, and records the process's peak resident memory of each phase.</summary>
internal static class UnetBenchmark
{
    public static UnetMeasurement Measure(string name, UNet2DConditionModel model, int latent, int warmup, int runs, TextWriter log)
    {
        using var generator = new Generator(0, CPU);
        using var sample = randn([1, model.Config.InChannels, latent, latent], generator: generator);
        using var context = randn([1, 77, model.Config.CrossAttentionDim[0]], generator: generator);
        using var timestep = tensor(500L);
        long parameters = model.parameters().Sum(p => p.numel());
        long? afterBuild = ProcessMemory.Resident;

        model.eval();
        ProcessMemory.ResetPeak();
        var forward = Time(warmup, runs, log, $"{name} forward", () =>
        {
            using var noGrad = no_grad();
            using var output = model.forward(sample, timestep, context);
        });
        long? peakForward = ProcessMemory.Peak;

        model.train();
        ProcessMemory.ResetPeak();
        var forwardBackward = Time(warmup, runs, log, $"{name} forward+backward", () =>
        {
            using var output = model.forward(sample, timestep, context);
            using var squared = output.square();
            using var loss = squared.mean();
            loss.backward();
            model.zero_grad();
        });
        long? peakForwardBackward = ProcessMemory.Peak;
        model.eval();

        return new UnetMeasurement(name, parameters, latent, runs, warmup, forward, forwardBackward, afterBuild, peakForward, peakForwardBackward);
    }

    private static Timing Time(int warmup, int runs, TextWriter log, string what, Action run)
    {
        for (int i = 0; i < warmup; i++)
        {
            run();
        }

        var seconds = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        var timing = Timing.Of(seconds);
        log.WriteLine($"  {what}: median (min-max) {timing} s of {runs} after {warmup} warm-up; {MachineInfo.LoadAverage()}");
        return timing;
    }
}
