using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

/// <summary>Reads image tensors back into plain arrays for comparison.</summary>
internal static class TensorPixels
{
    /// <summary>A uint8 [3, H, W] tensor as [y, x, c].</summary>
    public static byte[,,] ToArray(Tensor image)
    {
        Assert.Equal(ScalarType.Byte, image.dtype);
        Assert.Equal(3, image.dim());
        Assert.Equal(3, image.shape[0]);
        int height = (int)image.shape[1];
        int width = (int)image.shape[2];
        using var planar = image.contiguous();
        byte[] data = planar.data<byte>().ToArray();
        var result = new byte[height, width, 3];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    result[y, x, c] = data[(((c * height) + y) * width) + x];
                }
            }
        }

        return result;
    }

    /// <summary>A float [3, H, W] tensor as float64 [c * H * W] in the tensor's order.</summary>
    public static double[] ToDoubles(Tensor image)
    {
        using var asDouble = image.to_type(ScalarType.Float64).contiguous();
        return asDouble.data<double>().ToArray();
    }
}
