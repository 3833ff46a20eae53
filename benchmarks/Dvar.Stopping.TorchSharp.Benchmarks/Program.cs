using System.Globalization;
using Dvar.Stopping.TorchSharp.Benchmarks;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using static TorchSharp.torch;

// bash benchmarks/run-torch-benchmarks.sh [--only tiny|full] [--full-runs 3] [--tiny-runs 50] ...
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
if (options.Only is null or "tiny")
{
    log.WriteLine("tiny fixture UNet (tests/fixtures/sd-tiny/unet):");
    using var tiny = UNet2DConditionModel.FromPretrained(Path.Combine(options.Fixtures, "sd-tiny", "unet"));
    results.Add(UnetBenchmark.Measure("sd-tiny UNet", tiny, options.Latent, options.TinyWarmup, options.TinyRuns, log));
}

if (options.Only is null or "full")
{
    log.WriteLine("full-size SD1.5 UNet (sd15-structure config, random weights):");
    var config = ConfigJson.Read<UNet2DConditionModelConfig>(Path.Combine(options.Fixtures, "sd15-structure", "unet", "config.json"));
    using var full = new UNet2DConditionModel(config);
    results.Add(UnetBenchmark.Measure("SD1.5 UNet", full, options.Latent, options.FullWarmup, options.FullRuns, log));
}

log.WriteLine(MachineInfo.LoadAverage());
log.WriteLine();
log.WriteLine("| model | parameters | latent (batch 1) | runs (warm-up) | forward, s: median (min-max) | forward+backward, s: median (min-max) | RSS after build, MiB | peak RSS forward, MiB | peak RSS forward+backward, MiB |");
log.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    log.WriteLine(
        $"| {r.Name} | {r.Parameters:N0} | {r.Latent}x{r.Latent} | {r.Runs} ({r.Warmup}) | {r.Forward} | {r.ForwardBackward} | " +
        $"{MiB(r.ResidentAfterBuild)} | {MiB(r.PeakForward)} | {MiB(r.PeakForwardBackward)} |");
}

return 0;

static string MiB(long? bytes) => bytes is long b ? (b / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture) : "n/a";
