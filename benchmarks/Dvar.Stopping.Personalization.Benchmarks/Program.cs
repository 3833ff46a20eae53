using System.Globalization;
using Dvar.Stopping.Personalization.Benchmarks;
using Dvar.Stopping.TorchSharp.Benchmarks;
using static TorchSharp.torch;

// bash benchmarks/run-personalization-benchmarks.sh [--pipeline tiny|full] [--method NAME] [--runs N] [--threads N] ...
// Per method: the median (min-max) seconds of a training step at the method's batch size (2) and of one L_det evaluation
// at batch 8 (the paper's) and at batch 2 (the training batch), and the ratios evaluation / training step.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (Parse(args) is not { } options)
{
    return 2;
}

if (options.Device == "cuda" && !cuda.is_available())
{
    Console.Error.WriteLine("--device cuda: CUDA is not available. Build with -p:TorchBackend=cuda (TorchSharp-cuda-linux) on a machine with an NVIDIA driver for CUDA 12.8; see benchmarks/gpu/personalization-512.sh.");
    return 3;
}

if (options.Threads is int threads)
{
    set_num_threads(threads);
}

var log = Console.Out;
foreach (string line in MachineInfo.Describe())
{
    log.WriteLine(line);
}

var device = options.Device == "cuda" ? CUDA : CPU;
var dtype = options.Dtype switch { "float16" => ScalarType.Float16, "bfloat16" => ScalarType.BFloat16, _ => ScalarType.Float32 };
var results = new List<MethodMeasurement>();
int resolution = 0;
int latent = 0;
foreach (string method in options.Methods)
{
    using var pipeline = PipelineFactory.Create(options, device, dtype);
    resolution = options.Resolution ?? (options.IsFull && options.Model is null ? 256 : pipeline.DefaultImageSize);
    latent = resolution / pipeline.VaeScaleFactor;
    string images = SyntheticConcept.Write(resolution);
    try
    {
        log.WriteLine($"{method} on the {(options.IsFull ? "full-size" : "tiny")} pipeline, {resolution} px images ({latent}x{latent} latents), {device.type} {dtype}:");
        results.Add(MethodBenchmark.Measure(method, pipeline, images, resolution, options, log));
    }
    finally
    {
        Directory.Delete(images, recursive: true);
    }
}

log.WriteLine(MachineInfo.LoadAverage());
log.WriteLine();
log.WriteLine($"pipeline: {(options.IsFull ? options.Model ?? "SD1.5 structure, random weights" : "sd-tiny fixture")}; latents {latent}x{latent}; {device.type} {dtype}; libtorch threads {get_num_threads()}; runs {options.EffectiveRuns} after {options.EffectiveWarmup} warm-up; seconds, median (min-max)");
log.WriteLine();
if (!options.SkipDeterministicLoss)
{
    log.WriteLine("| method | trainable parameters | training step, batch 2 | L_det, batch 8 | L_det, batch 2 | batch 8 / step | batch 2 / step |");
    log.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        log.WriteLine(
            $"| {r.Method} | {r.TrainableParameters:N0} | {r.TrainingStep} | {r.EvaluationBatch8} | {r.EvaluationBatch2} | " +
            $"{r.EvaluationBatch8!.Value.Median / r.TrainingStep.Median:F2} | {r.EvaluationBatch2!.Value.Median / r.TrainingStep.Median:F2} |");
    }
}

if (options.ClipSSteps is { } clipSteps)
{
    log.WriteLine();
    log.WriteLine($"| method | training step, batch 2 | CLIP-s sampling, 8 images x {clipSteps} steps | CLIP scoring | check / step |");
    log.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        log.WriteLine(
            $"| {r.Method} | {r.TrainingStep} | {r.ClipSSampling} | {r.ClipSScoring} | " +
            $"{(r.ClipSSampling!.Value.Median + r.ClipSScoring!.Value.Median) / r.TrainingStep.Median:F1} |");
    }
}

return 0;

static BenchmarkOptions? Parse(string[] args)
{
    try
    {
        return BenchmarkOptions.Parse(args);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return null;
    }
}
