using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class Upsample2DTests
{
    [Theory]
    [InlineData(3, 4, null, null)] // x2
    [InlineData(3, 4, 5, 7)] // explicit odd output size
    public void Forward_IdentityKernel_GivesNearestNeighbourInterpolation(int height, int width, int? outHeight, int? outWidth)
    {
        using var up = new Upsample2D(2, 2);
        SetIdentityKernel(up, channels: 2);
        using var x = LayerTestWeights.Normal(51, 1, 2, height, width);
        long[]? size = outHeight is int h && outWidth is int w ? [h, w] : null;

        using var actual = up.forward(x, size);

        long targetHeight = size?[0] ?? 2 * height, targetWidth = size?[1] ?? 2 * width;
        using var expected = zeros(1, 2, targetHeight, targetWidth);
        for (long i = 0; i < targetHeight; i++)
        {
            for (long j = 0; j < targetWidth; j++)
            {
                // nearest: source index floor(target index · in / out)
                expected[TensorIndex.Colon, TensorIndex.Colon, i, j] = x[TensorIndex.Colon, TensorIndex.Colon, i * height / targetHeight, j * width / targetWidth];
            }
        }

        TensorAssert.Close(actual, expected, atol: 1e-6, rtol: 0, $"{height}x{width} -> {targetHeight}x{targetWidth}");
    }

    [Fact]
    public void Forward_BadOutputSize_ThrowsNamingIt()
    {
        using var up = new Upsample2D(2, 2);
        using var x = zeros(1, 2, 3, 3);

        var e = Assert.Throws<ArgumentException>(() => up.forward(x, [6]));

        Assert.Equal("output_size", e.ParamName);
    }

    private static void SetIdentityKernel(Upsample2D up, int channels)
    {
        using var noGrad = no_grad();
        var weight = up.state_dict()["conv.weight"];
        weight.zero_();
        for (int c = 0; c < channels; c++)
        {
            weight[c, c, 1, 1] = tensor(1.0f);
        }

        up.state_dict()["conv.bias"].zero_();
    }
}
