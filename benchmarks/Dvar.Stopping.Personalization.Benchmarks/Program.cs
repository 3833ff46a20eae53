using System.Globalization;
using Dvar.Stopping.Personalization.Benchmarks;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

// bash benchmarks/run-personalization-benchmarks.sh [--pipeline tiny|full] [--method NAME] [--runs N] [--threads N] ...
// Per method: the median (min-max) seconds of a training step at the method's batch size (2) and of one L_det evaluation
// at batch 8 (the paper's) and at --small-eval-batch (2, the training batch), and the ratios evaluation / training step.
// --dtype bfloat16|float16 measures float32 and that dtype (frozen weights) interleaved in this one run and prints the ratios.
// --augmentation times Custom Diffusion without and then with diffusers' rescale augmentation and prints the ratio.
// --decision demo|tiny: DVAR's stop per configuration (dtype, L_det batch, frequency); --rescore-demo DIR: the demo's train img again,
// from 3 seeds x --samples training-prompt samples.
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

if (options.RescoreDemo is not null)
{
    return RescoreBenchmark.Measure(options.RescoreDemo, options.Samples, log);
}

if (options.Decision is not null)
{
    return DecisionBenchmark.Measure(options, log);
}

var device = options.Device == "cuda" ? CUDA : CPU;
var dtypes = options.Dtypes.Select(Dtypes.Parse).ToArray();
string dtypeText = string.Join(" vs ", options.Dtypes);
var results = new List<MethodMeasurement>();
int resolution = 0;
int latent = 0;
foreach (string method in options.Methods)
{
    var pipelines = new List<StableDiffusionPipeline>();
    try
    {
        foreach (var dtype in dtypes)
        {
            pipelines.Add(PipelineFactory.Create(options, device, dtype));
        }

        resolution = options.Resolution ?? (options.IsFull && options.Model is null ? 256 : pipelines[0].DefaultImageSize);
        latent = resolution / pipelines[0].VaeScaleFactor;
        string images = SyntheticConcept.Write(resolution);
        try
        {
            log.WriteLine($"{method} on the {(options.IsFull ? "full-size" : "tiny")} pipeline, {resolution} px images ({latent}x{latent} latents), {device.type} {dtypeText}:");
            results.AddRange(MethodBenchmark.Measure(method, pipelines, images, resolution, options, log));
        }
        finally
        {
            Directory.Delete(images, recursive: true);
        }
    }
    finally
    {
        pipelines.ForEach(p => p.Dispose());
    }
}

log.WriteLine(MachineInfo.LoadAverage());
log.WriteLine();
log.WriteLine($"pipeline: {(options.IsFull ? options.Model ?? "SD1.5 structure, random weights" : "sd-tiny fixture")}; latents {latent}x{latent}; {device.type} {dtypeText} (frozen weights; trainable parameters and loss float32); libtorch threads {get_num_threads()}; runs {options.EffectiveRuns} after {options.EffectiveWarmup} warm-up; seconds, median (min-max)");
log.WriteLine();
int small = options.SmallEvaluationBatch;
if (!options.SkipDeterministicLoss)
{
    log.WriteLine($"| method | dtype | trainable parameters | training step, batch 2 | L_det, batch 8 | L_det, batch {small} | batch 8 / step | batch {small} / step |");
    log.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        log.WriteLine(
            $"| {r.Method} | {Dtypes.Name(r.Dtype)} | {r.TrainableParameters:N0} | {r.TrainingStep} | {r.EvaluationBatch8} | {r.EvaluationSmallBatch} | " +
            $"{r.EvaluationBatch8!.Value.Median / r.TrainingStep.Median:F2} | {r.EvaluationSmallBatch!.Value.Median / r.TrainingStep.Median:F2} |");
    }
}
else
{
    log.WriteLine("| method | dtype | trainable parameters | training step, batch 2 |");
    log.WriteLine("|---|---|---:|---:|");
    foreach (var r in results)
    {
        log.WriteLine($"| {r.Method} | {Dtypes.Name(r.Dtype)} | {r.TrainableParameters:N0} | {r.TrainingStep} |");
    }
}

if (dtypes.Length > 1)
{
    log.WriteLine();
    log.WriteLine("Speed-up over float32 in this run (float32 median / dtype median; > 1 is faster):");
    log.WriteLine();
    log.WriteLine($"| method | dtype | training step | L_det, batch 8 | L_det, batch {small} |");
    log.WriteLine("|---|---|---:|---:|---:|");
    foreach (var group in results.GroupBy(r => r.Method))
    {
        var baseline = group.First(r => r.Dtype == ScalarType.Float32);
        foreach (var r in group.Where(r => r.Dtype != ScalarType.Float32))
        {
            log.WriteLine(
                $"| {r.Method} | {Dtypes.Name(r.Dtype)} | {Ratio(baseline.TrainingStep, r.TrainingStep)} | {Ratio(baseline.EvaluationBatch8, r.EvaluationBatch8)} | " +
                $"{Ratio(baseline.EvaluationSmallBatch, r.EvaluationSmallBatch)} |");
        }
    }
}

if (options.Augmentation)
{
    log.WriteLine();
    log.WriteLine("Custom Diffusion's rescale augmentation (diffusers') in this run, augmented median / plain median (> 1 is slower):");
    log.WriteLine();
    log.WriteLine("| dtype | training step |");
    log.WriteLine("|---|---:|");
    foreach (var augmented in results.Where(r => r.Method == BenchmarkOptions.AugmentedCustomDiffusion))
    {
        var plain = results.First(r => r.Method == "custom-diffusion" && r.Dtype == augmented.Dtype);
        log.WriteLine($"| {Dtypes.Name(augmented.Dtype)} | {augmented.TrainingStep.Median / plain.TrainingStep.Median:F2} |");
    }
}

if (options.ClipSSteps is { } clipSteps)
{
    log.WriteLine();
    log.WriteLine($"| method | dtype | training step, batch 2 | CLIP-s sampling, 8 images x {clipSteps} steps | CLIP scoring | check / step |");
    log.WriteLine("|---|---|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        log.WriteLine(
            $"| {r.Method} | {Dtypes.Name(r.Dtype)} | {r.TrainingStep} | {r.ClipSSampling} | {r.ClipSScoring} | " +
            $"{(r.ClipSSampling!.Value.Median + r.ClipSScoring!.Value.Median) / r.TrainingStep.Median:F1} |");
    }
}

log.WriteLine(MachineInfo.LoadAverage());
return 0;

static string Ratio(Timing? baseline, Timing? other) =>
    baseline is { } b && other is { } o ? (b.Median / o.Median).ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";

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
