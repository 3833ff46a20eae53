using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
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
        Cases = ReferenceCases.Load("unet");
        Weights = SafetensorsFile.ReadAll(Path.Combine(Folder, UNet2DConditionModel.WeightsName + ".safetensors"));
        model = new Lazy<UNet2DConditionModel>(() => UNet2DConditionModel.FromPretrained(Folder));
    }

    /// <summary>tests/fixtures/sd-tiny/unet.</summary>
    public static string Folder => Path.Combine(FixturePaths.SdTiny, "unet");

    /// <summary>cases.json and every tensor of cases.safetensors (<c>{case}.input.*</c>, <c>{case}.output.*</c>, <c>{case}.intermediate.*</c>).</summary>
    internal ReferenceCases Cases { get; }

    /// <summary>The F32 weights by diffusers key.</summary>
    public Dictionary<string, Tensor> Weights { get; }

    /// <summary>The tiny UNet loaded from the F32 weights (built on first use).</summary>
    public UNet2DConditionModel Model => model.Value;

    /// <summary>The weights under a module path, with the prefix removed (e.g. <c>time_embedding.</c> gives <c>linear_1.weight</c>, ...).</summary>
    public Dictionary<string, Tensor> WeightsUnder(string prefix) =>
        Weights.Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value);

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
        Cases.Dispose();
        foreach (var tensor in Weights.Values)
        {
            tensor.Dispose();
        }

        if (model.IsValueCreated)
        {
            model.Value.Dispose();
        }
    }
}
