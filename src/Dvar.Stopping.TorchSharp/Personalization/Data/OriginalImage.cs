namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>A decoded, upright 8-bit RGB photo as it was before any crop or resize.</summary>
/// <param name="Pixels">Row-major interleaved <c>[Height, Width, 3]</c> bytes.</param>
/// <param name="Height">The height in pixels.</param>
/// <param name="Width">The width in pixels.</param>
internal sealed record OriginalImage(byte[] Pixels, int Height, int Width)
{
    /// <summary>The image mirrored along the width (PIL's <c>FLIP_LEFT_RIGHT</c>), as a new image.</summary>
    public OriginalImage Mirrored()
    {
        var mirrored = new byte[Pixels.Length];
        for (int y = 0; y < Height; y++)
        {
            int row = y * Width * 3;
            for (int x = 0; x < Width; x++)
            {
                Array.Copy(Pixels, row + (x * 3), mirrored, row + ((Width - 1 - x) * 3), 3);
            }
        }

        return this with { Pixels = mirrored };
    }
}
