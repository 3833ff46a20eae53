using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

/// <summary>The <c>sd-tiny/scheduler</c> fixture: config files, reference tensors (diffusers 0.26.3) and their tolerance.</summary>
public sealed class SchedulerCases : IDisposable
{
    private readonly ReferenceCases _cases = ReferenceCases.Load("scheduler");

    public SchedulerCases()
    {
        var tolerance = _cases.Document["tolerance"]!;
        Atol = tolerance["atol"]!.GetValue<double>();
        Rtol = tolerance["rtol"]!.GetValue<double>();
    }

    public static string Folder => Path.Combine(FixturePaths.SdTiny, "scheduler");

    /// <summary>Gets the absolute tolerance of cases.json: pass if |actual − expected| ≤ atol + rtol·|expected|.</summary>
    public double Atol { get; }

    /// <summary>Gets the relative tolerance of cases.json.</summary>
    public double Rtol { get; }

    /// <summary>A reference tensor by key; owned by this fixture.</summary>
    public Tensor this[string key] => _cases[key];

    public void Dispose() => _cases.Dispose();
}
