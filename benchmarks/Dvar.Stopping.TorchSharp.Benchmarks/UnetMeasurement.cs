namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>One UNet's timings (seconds) and resident memory (bytes; null where /proc is unavailable).</summary>
internal sealed record UnetMeasurement(
    string Name,
    long Parameters,
    int Latent,
    int Runs,
    int Warmup,
    Timing Forward,
    Timing ForwardBackward,
    long? ResidentAfterBuild,
    long? PeakForward,
    long? PeakForwardBackward);
