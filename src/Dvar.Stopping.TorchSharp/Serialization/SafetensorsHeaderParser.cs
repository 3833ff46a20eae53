using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>Reads and validates a safetensors header without trusting any number in it.</summary>
/// <remarks>
/// Layout: an 8-byte little-endian header length n, n bytes of UTF-8 JSON (an object of
/// <c>name -&gt; {dtype, shape, data_offsets}</c> plus an optional <c>__metadata__</c> string map), then the data.
/// As in the reference implementation, the tensors must tile the data section exactly: sorted by offset they start at 0,
/// touch without gaps or overlaps, and the last one ends at the end of the file. Every violation is an
/// <see cref="InvalidDataException"/> naming the file and the entry.
/// </remarks>
internal static class SafetensorsHeaderParser
{
    /// <summary>The largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    public static SafetensorsHeader Parse(Stream stream, string path)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Invalid(path, $"the file is {fileLength} bytes long, shorter than the 8-byte header length field");
        }

        Span<byte> lengthBytes = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
        {
            throw Invalid(path, $"the header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
        }

        if ((long)headerLength > fileLength - 8)
        {
            throw Invalid(path, $"the header length {headerLength} is longer than the {fileLength - 8} bytes after the length field (truncated file?)");
        }

        if (headerLength < 2)
        {
            throw Invalid(path, $"the header length {headerLength} is too short for a JSON object");
        }

        var headerBytes = new byte[(int)headerLength];
        stream.ReadExactly(headerBytes);
        long dataOffset = 8 + (long)headerLength;
        long dataLength = fileLength - dataOffset;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"the header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"the header is a JSON {document.RootElement.ValueKind}, expected an object");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsTensorInfo>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(property.Value, metadata, path);
                }
                else
                {
                    tensors.Add(ReadEntry(property.Name, property.Value, dataLength, path));
                }
            }

            tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckTiling(tensors, dataLength, path);
            return new SafetensorsHeader(path, metadata, tensors, dataOffset);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"__metadata__ is a JSON {element.ValueKind}, expected an object of strings");
        }

        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, $"__metadata__[\"{entry.Name}\"] is a JSON {entry.Value.ValueKind}, expected a string");
            }

            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafetensorsTensorInfo ReadEntry(string name, JsonElement element, long dataLength, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"tensor '{name}' is a JSON {element.ValueKind}, expected an object with dtype, shape and data_offsets");
        }

        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(path, $"tensor '{name}' has no string 'dtype'");
        }

        string dtype = dtypeElement.GetString()!;
        if (!SafetensorsDType.TryParse(dtype, out var scalarType, out int elementSize))
        {
            throw Invalid(path, $"tensor '{name}' has unsupported dtype '{dtype}'; supported: {SafetensorsDType.Supported}");
        }

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, $"tensor '{name}' has no 'shape' array");
        }

        var shape = new List<long>();
        long elements = 1;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long size) || size < 0)
            {
                throw Invalid(path, $"tensor '{name}' has an invalid dimension {dim.GetRawText()} in its shape; dimensions are non-negative integers");
            }

            shape.Add(size);
            if (size != 0 && elements > dataLength / size)
            {
                elements = long.MaxValue; // more elements than the file could hold: reported below as a size mismatch
            }
            else
            {
                elements *= size;
            }
        }

        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
        {
            throw Invalid(path, $"tensor '{name}' has no 'data_offsets' pair of integers");
        }

        var info = new SafetensorsTensorInfo(name, dtype, scalarType, shape, begin, end);
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Invalid(path, $"tensor '{name}' has data_offsets [{begin}, {end}] outside the {dataLength}-byte data section");
        }

        long expected = elements == long.MaxValue || elements > long.MaxValue / elementSize ? long.MaxValue : elements * elementSize;
        if (expected != end - begin)
        {
            string expectedText = expected == long.MaxValue ? "more than the file holds" : $"{expected} bytes";
            throw Invalid(path, $"tensor '{name}' ({dtype} {info.ShapeText}) needs {expectedText}, but its data_offsets span {end - begin} bytes");
        }

        return info;
    }

    private static void CheckTiling(List<SafetensorsTensorInfo> tensors, long dataLength, string path)
    {
        long position = 0;
        string? previous = null;
        foreach (var tensor in tensors)
        {
            if (tensor.Begin < position)
            {
                throw Invalid(path, $"tensor '{tensor.Name}' [{tensor.Begin}, {tensor.End}] overlaps tensor '{previous}' which ends at {position}");
            }

            if (tensor.Begin > position)
            {
                throw Invalid(path, $"tensor '{tensor.Name}' starts at {tensor.Begin} but the previous data ends at {position}: the data section has a gap");
            }

            position = tensor.End;
            previous = tensor.Name;
        }

        if (position != dataLength)
        {
            throw Invalid(path, $"the tensors cover {position} bytes but the data section has {dataLength} bytes");
        }
    }

    private static InvalidDataException Invalid(string path, string problem, Exception? inner = null) =>
        new($"{path}: not a valid safetensors file: {problem}.", inner);

    /// <summary>Encodes a header for writing, padded with spaces to a multiple of 8 bytes as the reference writer does.</summary>
    public static byte[] Encode(string json)
    {
        int length = Encoding.UTF8.GetByteCount(json);
        int padded = (length + 7) / 8 * 8;
        var bytes = new byte[padded];
        Encoding.UTF8.GetBytes(json, bytes);
        bytes.AsSpan(length).Fill((byte)' ');
        return bytes;
    }
}
