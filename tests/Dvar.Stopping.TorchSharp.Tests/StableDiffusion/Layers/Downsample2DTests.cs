using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class Downsample2DTests
{
    [Theory]
    [InlineData(1, 7, 8, 4, 4)] // symmetric padding: ceil(H / 2)
    [InlineData(0, 7, 8, 3, 4)] // VAE: pad right and bottom by one: floor(H / 2)
    public void Forward_MatchesStridedConvolutionOfThePaddedInput(int padding, int height, int width, int expectedHeight, int expectedWidth)
    {
        using var down = new Downsample2D(3, 3, padding);
        LayerTestWeights.Randomize(down, seed: 41);
        using var x = LayerTestWeights.Normal(42, 2, 3, height, width);

        using var actual = down.forward(x);

        using var scope = NewDisposeScope();
        var x64 = x.to_type(ScalarType.Float64);
        var padded = padding == 1 ? nn.functional.pad(x64, (1, 1, 1, 1)) : nn.functional.pad(x64, (0, 1, 0, 1));
        var expected = nn.functional.conv2d(padded, LayerTestWeights.Float64(down, "conv.weight"), LayerTestWeights.Float64(down, "conv.bias"), strides: [2, 2]);
        Assert.Equal([2L, 3L, expectedHeight, expectedWidth], actual.shape);
        TensorAssert.Close(actual, expected, atol: 1e-5, rtol: 1e-4, $"padding {padding}");
    }

    [Fact]
    public void Forward_WrongChannels_ThrowsNamingShape()
    {
        using var down = new Downsample2D(3, 3);
        using var x = zeros(1, 4, 8, 8);

        var e = Assert.Throws<ArgumentException>(() => down.forward(x));

        Assert.Contains("[1, 4, 8, 8]", e.Message);
    }
}
