using System.Text.Json;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;

/// <summary>
/// The sd-tiny UNet fixture (tests/fixtures/sd-tiny/unet): reference cases and intermediates from diffusers, the F32 weights,
/// and the model loaded from them, shared by the tests of a class and disposed with it.
/// </summary>
public sealed class UnetReference : IDisposable
{
    private readonly Lazy<UNet2DConditionModel> model;

    public UnetReference()
    {
        Cases = SafetensorsFile.ReadAll(Path.Combine(Folder, "cases.safetensors"));
        Weights = SafetensorsFile.ReadAll(Path.Combine(Folder, UNet2DConditionModel.WeightsName + ".safetensors"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        CaseSettings = json.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
        model = new Lazy<UNet2DConditionModel>(() => UNet2DConditionModel.FromPretrained(Folder));
    }

    /// <summary>tests/fixtures/sd-tiny/unet.</summary>
    public static string Folder => Path.Combine(FixturePaths.SdTiny, "unet");

    /// <summary>Every tensor of cases.safetensors by name (<c>{case}.input.*</c>, <c>{case}.output.*</c>, <c>{case}.intermediate.*</c>).</summary>
    public Dictionary<string, Tensor> Cases { get; }

    /// <summary>The F32 weights by diffusers key.</summary>
    public Dictionary<string, Tensor> Weights { get; }

    /// <summary>Each case's cases.json entry by name.</summary>
    public Dictionary<string, JsonElement> CaseSettings { get; }

    /// <summary>The tiny UNet loaded from the F32 weights (built on first use).</summary>
    public UNet2DConditionModel Model => model.Value;

    /// <summary>The weights under a module path, with the prefix removed (e.g. <c>time_embedding.</c> gives <c>linear_1.weight</c>, ...).</summary>
    public Dictionary<string, Tensor> WeightsUnder(string prefix) =>
        Weights.Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value);

    /// <summary>The tolerance a case states for float32 compute: <c>tolerance_fp32_compute</c> if present, else <c>tolerance</c>.</summary>
    public (double Atol, double Rtol) Fp32Tolerance(string caseName)
    {
        var settings = CaseSettings[caseName];
        var tolerance = settings.TryGetProperty("tolerance_fp32_compute", out var fp32) ? fp32 : settings.GetProperty("tolerance");
        return (tolerance.GetProperty("atol").GetDouble(), tolerance.GetProperty("rtol").GetDouble());
    }

    /// <summary>Copies weights into a module after checking that the key sets and shapes agree exactly.</summary>
    public static void LoadInto(nn.Module module, Dictionary<string, Tensor> weights)
    {
        var state = module.state_dict();
        Assert.Equal(weights.Keys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        using var noGrad = no_grad();
        foreach (var (key, target) in state)
        {
            Assert.True(target.shape.SequenceEqual(weights[key].shape), key);
            target.copy_(weights[key]);
        }
    }

    public void Dispose()
    {
        foreach (var tensor in Cases.Values.Concat(Weights.Values))
        {
            tensor.Dispose();
        }

        if (model.IsValueCreated)
        {
            model.Value.Dispose();
        }
    }
}
