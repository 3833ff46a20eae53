
namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

/// <summary>Builds the EXIF APP1 segment of a JPEG that carries only an orientation tag, from the EXIF/TIFF layout.</summary>
internal static class ExifSegment
{
    /// <summary>Returns <paramref name="jpeg"/> with an APP1 segment holding orientation <paramref name="orientation"/> (1..8).</summary>
    public static byte[] WithOrientation(byte[] jpeg, int orientation)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG (no SOI marker)");
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, // big-endian TIFF header
            0x00, 0x00, 0x00, 0x08,           // offset of IFD0
            0x00, 0x01,                       // one entry
            0x01, 0x12,                       // tag 0x0112 Orientation
            0x00, 0x03,                       // type SHORT
            0x00, 0x00, 0x00, 0x01,           // count 1
            0x00, (byte)orientation, 0x00, 0x00, // the value, left-justified in the 4-byte field
            0x00, 0x00, 0x00, 0x00,           // no next IFD
        ];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        int length = payload.Length + 2;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];

        // After SOI, and after a JFIF APP0 segment if the encoder wrote one.
        int at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0)
        {
            at = 4 + ((jpeg[4] << 8) | jpeg[5]);
        }

        return [.. jpeg.AsSpan(0, at), .. segment, .. jpeg.AsSpan(at)];
    }
}
