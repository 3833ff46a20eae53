using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

/// <summary>Deterministic random parameters for layer tests (TorchSharp leaves some parameters uninitialised).</summary>
internal static class LayerTestWeights
{
    /// <summary>Sets every parameter of <paramref name="module"/> to N(0, scale²) draws from a generator seeded with <paramref name="seed"/>.</summary>
    public static void Randomize(nn.Module module, ulong seed, double scale = 0.3)
    {
        var generator = new Generator(seed);
        using var noGrad = no_grad();
        foreach (var (_, parameter) in module.named_parameters())
        {
            using var values = randn(parameter.shape, generator: generator) * scale;
            parameter.copy_(values);
        }
    }

    /// <summary>A float32 N(0, 1) tensor from a generator seeded with <paramref name="seed"/>.</summary>
    public static Tensor Normal(ulong seed, params long[] shape) => randn(shape, generator: new Generator(seed));

    /// <summary>A parameter of <paramref name="module"/> by state-dict key, as float64.</summary>
    public static Tensor Float64(nn.Module module, string key) => module.state_dict()[key].detach().to_type(ScalarType.Float64);
}
