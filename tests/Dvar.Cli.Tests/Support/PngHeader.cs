using System.Buffers.Binary;

namespace Dvar.Cli.Tests.Support;

/// <summary>Reads a PNG's size from its IHDR chunk (PNG spec §11.2.2), independently of the code under test.</summary>
internal static class PngHeader
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static (int Width, int Height) Size(string path)
    {
        byte[] head = File.ReadAllBytes(path)[..24];
        Assert.Equal(Signature, head[..8]);
        Assert.Equal("IHDR"u8.ToArray(), head[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(20)));
    }
}
