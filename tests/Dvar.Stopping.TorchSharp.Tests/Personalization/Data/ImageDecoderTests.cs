using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

public class ImageDecoderTests
{
    // The displayed (upright) test picture: 48 wide, 32 high, quadrants red | green over blue | white.
    private const int DisplayedWidth = 48;
    private const int DisplayedHeight = 32;
    private static readonly byte[][] Quadrants = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]];

    public static TheoryData<int> Orientations => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Decode_JpegWithExifOrientation_ReturnsTheDisplayedPicture(int orientation)
    {
        using var folder = new TemporaryFolder();
        var stored = StoredFor(orientation);
        string path = RgbImage.Write(folder.Path, "photo.jpg", ExifSegment.WithOrientation(stored.EncodeJpeg(), orientation));

        using var decoded = ImageDecoder.Decode(path, minimumSize: 1);

        Assert.Equal(new long[] { 3, DisplayedHeight, DisplayedWidth }, decoded.shape);
        var pixels = TensorPixels.ToArray(decoded);
        for (int quadrant = 0; quadrant < 4; quadrant++)
        {
            int y = ((quadrant / 2) * DisplayedHeight / 2) + (DisplayedHeight / 4);
            int x = ((quadrant % 2) * DisplayedWidth / 2) + (DisplayedWidth / 4);
            for (int c = 0; c < 3; c++)
            {
                // JPEG is lossy; far from the quadrant edges the error is a few levels.
                Assert.InRange(pixels[y, x, c], Quadrants[quadrant][c] - 12, Quadrants[quadrant][c] + 12);
            }
        }
    }

    [Fact]
    public void Decode_LosslessPngAndWebp_ReturnExactPixels()
    {
        using var folder = new TemporaryFolder();
        var image = RgbImage.Noise(37, 23, seed: 5);
        foreach (var (name, bytes) in new[] { ("a.png", image.EncodePng()), ("a.webp", image.EncodeLosslessWebp()) })
        {
            using var decoded = ImageDecoder.Decode(RgbImage.Write(folder.Path, name, bytes), minimumSize: 1);
            Assert.Equal(image.Pixels, TensorPixels.ToArray(decoded));
        }
    }

    [Fact]
    public void Decode_TranslucentPng_DropsAlphaAndKeepsStoredColour()
    {
        using var folder = new TemporaryFolder();
        var image = RgbImage.Noise(8, 8, seed: 9);
        string path = RgbImage.Write(folder.Path, "a.png", image.EncodePngWithAlpha(alpha: 128));

        using var decoded = ImageDecoder.Decode(path, minimumSize: 1);

        Assert.Equal(image.Pixels, TensorPixels.ToArray(decoded));
    }

    [Fact]
    public void Decode_NotAnImage_ThrowsNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        string path = RgbImage.Write(folder.Path, "broken.png", "this is not a PNG file at all"u8.ToArray());

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, minimumSize: 1));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cut.png")]
    [InlineData("cut.jpg")]
    public void Decode_TruncatedFile_ThrowsNamingTheFile(string name)
    {
        using var folder = new TemporaryFolder();
        var image = RgbImage.Noise(64, 64, seed: 3);
        byte[] bytes = name.EndsWith(".png", StringComparison.Ordinal) ? image.EncodePng() : image.EncodeJpeg();
        string path = RgbImage.Write(folder.Path, name, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, minimumSize: 1));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ShorterSideBelowMinimum_ThrowsNamingFileSizeAndMinimum()
    {
        using var folder = new TemporaryFolder();
        string path = RgbImage.Constant(40, 31, 1, 2, 3).WritePng(folder.Path, "small.png");

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, minimumSize: 32));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("40x31", error.Message, StringComparison.Ordinal);
        Assert.Contains("32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ShorterSideAtMinimum_Succeeds()
    {
        using var folder = new TemporaryFolder();
        string path = RgbImage.Constant(40, 32, 1, 2, 3).WritePng(folder.Path, "small.png");

        using var decoded = ImageDecoder.Decode(path, minimumSize: 32);

        Assert.Equal(new long[] { 3, 32, 40 }, decoded.shape);
    }

    [Fact]
    public void Decode_HeaderClaimingHugeImage_ThrowsBeforeAllocating()
    {
        // A valid 1 x 1 PNG whose IHDR claims 30000 x 30000 (900 megapixels), with the chunk's CRC recomputed.
        using var folder = new TemporaryFolder();
        byte[] png = RgbImage.Constant(1, 1, 0, 0, 0).EncodePng();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 30000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 30000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        string path = RgbImage.Write(folder.Path, "huge.png", png);

        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path, minimumSize: 1));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("30000x30000", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The stored pixels for an EXIF orientation, from the tag's definition: where the stored 0th row and 0th column belong in
    /// the displayed picture (1 top/left, 2 top/right, 3 bottom/right, 4 bottom/left, 5 left/top, 6 right/top,
    /// 7 right/bottom, 8 left/bottom).
    /// </summary>
    private static RgbImage StoredFor(int orientation)
    {
        var (row0, column0) = orientation switch
        {
            1 => ("top", "left"),
            2 => ("top", "right"),
            3 => ("bottom", "right"),
            4 => ("bottom", "left"),
            5 => ("left", "top"),
            6 => ("right", "top"),
            7 => ("right", "bottom"),
            _ => ("left", "bottom"),
        };
        bool rowsAreRows = row0 is "top" or "bottom";
        int storedWidth = rowsAreRows ? DisplayedWidth : DisplayedHeight;
        int storedHeight = rowsAreRows ? DisplayedHeight : DisplayedWidth;
        return new RgbImage(storedWidth, storedHeight, (r, k, c) =>
        {
            // Stored row r, column k -> displayed (y, x).
            int y = rowsAreRows ? (row0 == "top" ? r : DisplayedHeight - 1 - r) : (column0 == "top" ? k : DisplayedHeight - 1 - k);
            int x = rowsAreRows ? (column0 == "left" ? k : DisplayedWidth - 1 - k) : (row0 == "left" ? r : DisplayedWidth - 1 - r);
            int quadrant = ((y < DisplayedHeight / 2) ? 0 : 2) + ((x < DisplayedWidth / 2) ? 0 : 1);
            return Quadrants[quadrant][c];
        });
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
