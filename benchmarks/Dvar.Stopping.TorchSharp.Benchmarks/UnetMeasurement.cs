using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>One UNet's timings (seconds) in one dtype and resident memory (bytes; null where /proc is unavailable; peaks are
/// over every dtype of the phase when several are interleaved).</summary>
internal sealed record UnetMeasurement(
    string Name,
    ScalarType Dtype,
    long Parameters,
    int Latent,
    int Runs,
    int Warmup,
    Timing Forward,
    Timing FrozenStep,
    Timing? ForwardBackward,
    long? ResidentAfterBuild,
    long? PeakForward,
    long? PeakFrozenStep,
    long? PeakForwardBackward);
