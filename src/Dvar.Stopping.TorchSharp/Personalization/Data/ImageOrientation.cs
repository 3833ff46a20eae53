using SkiaSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>Turns stored pixels into the upright image the EXIF orientation tag describes.</summary>
/// <remarks>
/// EXIF tag 0x0112 says where the stored 0th row and 0th column belong when displayed: 1 top/left (as stored), 2 top/right
/// (mirror), 3 bottom/right (180°), 4 bottom/left (vertical mirror), 5 left/top (transpose), 6 right/top (90° clockwise),
/// 7 right/bottom (transverse), 8 left/bottom (90° counter-clockwise) - the same result as PIL's <c>ImageOps.exif_transpose</c>.
/// </remarks>
internal static class ImageOrientation
{
    private const long Height = -2;
    private const long Width = -1;

    /// <summary>Returns the upright image of <paramref name="stored"/> ([..., H, W]), a new tensor or a view the caller disposes.</summary>
    public static Tensor Apply(Tensor stored, SKEncodedOrigin origin) => origin switch
    {
        SKEncodedOrigin.TopLeft => stored.alias(),
        SKEncodedOrigin.TopRight => stored.flip(Width),
        SKEncodedOrigin.BottomRight => stored.flip(Height, Width),
        SKEncodedOrigin.BottomLeft => stored.flip(Height),
        SKEncodedOrigin.LeftTop => stored.transpose(Height, Width),
        SKEncodedOrigin.RightTop => Transposed(stored, Width),
        SKEncodedOrigin.RightBottom => Transposed(stored, Height, Width),
        SKEncodedOrigin.LeftBottom => Transposed(stored, Height),
        _ => throw new InvalidDataException($"Unknown EXIF orientation {(int)origin}."),
    };

    private static Tensor Transposed(Tensor stored, params long[] flips)
    {
        using var transposed = stored.transpose(Height, Width);
        return transposed.flip(flips);
    }
}
