using System.Text.Json;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

/// <summary>The <c>sd-tiny/scheduler</c> fixture: config files, reference tensors (diffusers 0.26.3) and their tolerance.</summary>
public sealed class SchedulerCases : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    public SchedulerCases()
    {
        _tensors = SafetensorsFile.ReadAll(Path.Combine(Folder, "cases.safetensors"));
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        var tolerance = document.RootElement.GetProperty("tolerance");
        Atol = tolerance.GetProperty("atol").GetDouble();
        Rtol = tolerance.GetProperty("rtol").GetDouble();
    }

    public static string Folder => Path.Combine(FixturePaths.SdTiny, "scheduler");

    /// <summary>Gets the absolute tolerance of cases.json: pass if |actual − expected| ≤ atol + rtol·|expected|.</summary>
    public double Atol { get; }

    /// <summary>Gets the relative tolerance of cases.json.</summary>
    public double Rtol { get; }

    /// <summary>A reference tensor by key; owned by this fixture.</summary>
    public Tensor this[string key] => _tensors.TryGetValue(key, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"cases.safetensors has no tensor '{key}'.");

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
