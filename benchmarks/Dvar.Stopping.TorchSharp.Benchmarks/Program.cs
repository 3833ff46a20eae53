using System.Globalization;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using TorchSharp;
using static TorchSharp.torch;

// bash benchmarks/run-torch-benchmarks.sh [--only tiny|full] [--full-runs 3] [--tiny-runs 50] [--dtype bfloat16] ...
// --dtype bfloat16|float16 measures float32 and that dtype interleaved, run by run, in this one process, and prints the ratios.
// The full-size SD1.5 UNet is built from tests/fixtures/sd15-structure/unet/config.json with random weights (no real
// weights are needed to time it); the tiny one is the sd-tiny fixture with its weights.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var log = Console.Out;
if (options.Threads is int threads)
{
    set_num_threads(threads);
}

foreach (string line in MachineInfo.Describe())
{
    log.WriteLine(line);
}

var results = new List<UnetMeasurement>();
var dtypes = options.Dtypes.Select(ParseDtype).ToArray();
if (options.Only is null or "tiny")
{
    log.WriteLine("tiny fixture UNet (tests/fixtures/sd-tiny/unet):");
    var tiny = dtypes.Select(d => UNet2DConditionModel.FromPretrained(Path.Combine(options.Fixtures, "sd-tiny", "unet"), dtype: d)).ToArray();
    try
    {
        results.AddRange(UnetBenchmark.Measure("sd-tiny UNet", tiny, options.Latent, options.TinyWarmup, options.TinyRuns, !options.SkipWeightGradients, log));
    }
    finally
    {
        Array.ForEach(tiny, m => m.Dispose());
    }
}

if (options.Only is null or "full")
{
    log.WriteLine("full-size SD1.5 UNet (sd15-structure config, random weights, the same in every dtype):");
    var config = ConfigJson.Read<UNet2DConditionModelConfig>(Path.Combine(options.Fixtures, "sd15-structure", "unet", "config.json"));
    var full = dtypes.Select(d =>
    {
        manual_seed(0);
        var model = new UNet2DConditionModel(config);
        model.to(d);
        return model;
    }).ToArray();
    try
    {
        results.AddRange(UnetBenchmark.Measure("SD1.5 UNet", full, options.Latent, options.FullWarmup, options.FullRuns, !options.SkipWeightGradients, log));
    }
    finally
    {
        Array.ForEach(full, m => m.Dispose());
    }
}

log.WriteLine(MachineInfo.LoadAverage());
log.WriteLine();
log.WriteLine("| model | dtype | parameters | latent (batch 1) | runs (warm-up) | forward, s: median (min-max) | training step, frozen weights, s | forward+backward, all weights, s | RSS after build, MiB | peak RSS forward, MiB | peak RSS frozen step, MiB | peak RSS forward+backward, MiB |");
log.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    log.WriteLine(
        $"| {r.Name} | {UnetBenchmark.DtypeName(r.Dtype)} | {r.Parameters:N0} | {r.Latent}x{r.Latent} | {r.Runs} ({r.Warmup}) | {r.Forward} | {r.FrozenStep} | {r.ForwardBackward?.ToString() ?? "skipped"} | " +
        $"{MiB(r.ResidentAfterBuild)} | {MiB(r.PeakForward)} | {MiB(r.PeakFrozenStep)} | {MiB(r.PeakForwardBackward)} |");
}

if (dtypes.Length > 1)
{
    log.WriteLine();
    log.WriteLine("Speed-up of each dtype over float32 in this run (float32 median / dtype median; > 1 is faster):");
    log.WriteLine();
    log.WriteLine("| model | dtype | forward | training step, frozen weights | forward+backward, all weights |");
    log.WriteLine("|---|---|---:|---:|---:|");
    foreach (var group in results.GroupBy(r => r.Name))
    {
        var baseline = group.First(r => r.Dtype == ScalarType.Float32);
        foreach (var r in group.Where(r => r.Dtype != ScalarType.Float32))
        {
            string allWeights = r.ForwardBackward is { } fb && baseline.ForwardBackward is { } fb32 ? Ratio(fb32.Median, fb.Median) : "skipped";
            log.WriteLine($"| {r.Name} | {UnetBenchmark.DtypeName(r.Dtype)} | {Ratio(baseline.Forward.Median, r.Forward.Median)} | {Ratio(baseline.FrozenStep.Median, r.FrozenStep.Median)} | {allWeights} |");
        }
    }
}

log.WriteLine(MachineInfo.LoadAverage());
return 0;

static string Ratio(double baseline, double other) => (baseline / other).ToString("F2", CultureInfo.InvariantCulture) + "x";

static ScalarType ParseDtype(string name) => name switch
{
    "bfloat16" => ScalarType.BFloat16,
    "float16" => ScalarType.Float16,
    _ => ScalarType.Float32,
};

static string MiB(long? bytes) => bytes is long b ? (b / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture) : "n/a";
