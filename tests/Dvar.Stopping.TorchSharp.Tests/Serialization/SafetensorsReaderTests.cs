using System.Buffers.Binary;
using System.Text;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Serialization;

/// <summary>Damaged and hostile files: each must fail with a clear InvalidDataException, never a crash, hang or huge allocation.</summary>
public class SafetensorsReaderTests
{
    private const string OneTensor = """{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}""";

    public static TheoryData<string, byte[], string> DamagedFiles => new()
    {
        { "shorter than the length field", new byte[] { 1, 2, 3 }, "shorter than the 8-byte" },
        { "header longer than the file", WithLength(1000, OneTensor, 16), "longer than the" },
        { "header length absurdly large", WithLength(ulong.MaxValue, OneTensor, 16), "exceeds the limit" },
        { "header not JSON", File("{\"w\": nope", 0), "not valid JSON" },
        { "header a JSON array", File("[1,2]", 0), "expected an object" },
        { "truncated data", File(OneTensor, 8), "data_offsets [0, 16] outside" },
        { "offsets outside the data", File("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[100,104]}}""", 4), "outside" },
        { "negative offset", File("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", 4), "outside" },
        { "end before begin", File("""{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}""", 4), "outside" },
        {
            "overlapping tensors",
            File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12),
            "overlaps"
        },
        {
            "gap between tensors",
            File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12),
            "gap"
        },
        { "trailing bytes after the data", File(OneTensor, 20), "cover 16 bytes but the data section has 20" },
        { "unknown dtype", File("""{"w":{"dtype":"F8_E9M9","shape":[1],"data_offsets":[0,1]}}""", 1), "unsupported dtype 'F8_E9M9'" },
        { "shape and byte size disagree", File("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8), "needs 12 bytes" },
        { "shape claims more than the file holds", File("""{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", 8), "more than the file holds" },
        { "negative dimension", File("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8), "invalid dimension -2" },
        { "missing dtype", File("""{"w":{"shape":[2],"data_offsets":[0,8]}}""", 8), "no string 'dtype'" },
        { "missing offsets", File("""{"w":{"dtype":"F32","shape":[2]}}""", 8), "no 'data_offsets'" },
        { "metadata not strings", File("""{"__metadata__":{"format":1}}""", 0), "expected a string" },
    };

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void Open_DamagedFile_ThrowsInvalidDataNamingFileAndProblem(string description, byte[] content, string expectedText)
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "damaged.safetensors");
        System.IO.File.WriteAllBytes(path, content);

        var e = Assert.Throws<InvalidDataException>(() => SafetensorsReader.Open(path).Dispose());

        Assert.Contains(path, e.Message);
        Assert.True(e.Message.Contains(expectedText, StringComparison.Ordinal), $"{description}: message was \"{e.Message}\"");
    }

    [Fact]
    public void Open_MissingFile_ThrowsFileNotFoundNamingPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.safetensors");

        var e = Assert.Throws<FileNotFoundException>(() => SafetensorsReader.Open(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ReadTensor_UnknownName_ThrowsNamingKey()
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "ok.safetensors");
        System.IO.File.WriteAllBytes(path, File(OneTensor, 16));
        using var reader = SafetensorsReader.Open(path);

        var e = Assert.Throws<KeyNotFoundException>(() => reader.ReadTensor("nope"));

        Assert.Contains("'nope'", e.Message);
    }

    [Fact]
    public void ReadTensor_ValidHandMadeFile_ReturnsLittleEndianValues()
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "ok.safetensors");
        var data = new byte[16];
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), i + 0.5f);
        }

        System.IO.File.WriteAllBytes(path, [.. File(OneTensor, 0), .. data]);
        using var reader = SafetensorsReader.Open(path);
        using var w = reader.ReadTensor("w");

        Assert.Equal(new long[] { 2, 2 }, w.shape);
        Assert.Equal(new[] { 0.5f, 1.5f, 2.5f, 3.5f }, w.data<float>().ToArray());
    }

    private static byte[] File(string header, int dataBytes) => WithLength((ulong)Encoding.UTF8.GetByteCount(header), header, dataBytes);

    private static byte[] WithLength(ulong length, string header, int dataBytes)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        headerBytes.CopyTo(bytes, 8);
        return bytes;
    }
}
