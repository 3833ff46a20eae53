using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>Crops and resizes an 8-bit image to the training square the way PIL's bicubic <c>Image.resize</c> does.</summary>
/// <remarks>
/// PIL resamples separably with the Keys cubic (a = -0.5) whose support is widened by the downscale factor (antialiasing),
/// first along the width, rounding to 8 bits, then along the height, rounding again. TorchSharp's antialiased bicubic
/// interpolation (align_corners false) uses the same kernel and support, so running it once per axis with PIL's
/// round-half-up and clamp in between reproduces PIL up to float32 rounding of values that fall near a half.
/// </remarks>
internal static class ImageResizer
{
    /// <summary>Returns <paramref name="image"/> (uint8 [3, H, W]) as a new uint8 [3, R, R] tensor owned by the caller.</summary>
    /// <param name="image">The upright image.</param>
    /// <param name="resolution">The side R of the result.</param>
    /// <param name="centerCrop">Whether to cut the largest centred square first (offsets rounded down, as diffusers' example).</param>
    public static Tensor ToSquare(Tensor image, int resolution, bool centerCrop)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long height = image.shape[1];
        long width = image.shape[2];
        var source = image;
        if (centerCrop)
        {
            long side = Math.Min(height, width);
            source = image.narrow(1, (height - side) / 2, side).narrow(2, (width - side) / 2, side);
            height = width = side;
        }

        var pixels = source.to_type(ScalarType.Float32).unsqueeze(0);
        var alongWidth = RoundToByteRange(Bicubic(pixels, height, resolution));
        var square = RoundToByteRange(Bicubic(alongWidth, resolution, resolution));
        return square.squeeze(0).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    private static Tensor Bicubic(Tensor pixels, long height, long width) =>
        interpolate(pixels, [height, width], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true);

    /// <summary>PIL's <c>clip8</c>: round half up, then clamp to [0, 255].</summary>
    private static Tensor RoundToByteRange(Tensor values) => HeldScalar.With(0, 255, (low, high) => values.Plus(0.5).floor_().clamp_(low, high));
}
