using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class GegluTests
{
    [Fact]
    public void Forward_MatchesReference()
    {
        using var geglu = new Geglu(6, 5);
        LayerTestWeights.Randomize(geglu, seed: 31);
        using var x = LayerTestWeights.Normal(32, 2, 3, 6) * 2;

        using var actual = geglu.forward(x);

        // [h | g] = proj(x); h · g · Φ(g) with the exact normal CDF Φ(g) = (1 + erf(g / √2)) / 2.
        using var scope = NewDisposeScope();
        var projected = nn.functional.linear(x.to_type(ScalarType.Float64), LayerTestWeights.Float64(geglu, "proj.weight"), LayerTestWeights.Float64(geglu, "proj.bias"));
        var h = projected[TensorIndex.Ellipsis, TensorIndex.Slice(0, 5)];
        var g = projected[TensorIndex.Ellipsis, TensorIndex.Slice(5, 10)];
        var expected = h * g * 0.5 * (1 + special.erf(g / Math.Sqrt(2)));
        TensorAssert.Close(actual, expected, atol: 1e-5, rtol: 1e-4, "GEGLU");
    }
}
