using System.Text.Json;
using Dvar.Stopping.IO;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>Reads and writes whole safetensors files (the format of diffusers and transformers weights).</summary>
public static class SafetensorsFile
{
    /// <summary>Reads and validates the header of a safetensors file without reading any tensor data.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The validated header.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static SafetensorsHeader ReadHeader(string path)
    {
        using var reader = SafetensorsReader.Open(path);
        return reader.Header;
    }

    /// <summary>Reads every tensor of a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>New CPU tensors in their stored dtypes by key; the caller owns and disposes them.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static Dictionary<string, Tensor> ReadAll(string path)
    {
        using var reader = SafetensorsReader.Open(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var info in reader.Header.Tensors)
            {
                result.Add(info.Name, reader.ReadTensor(info));
            }

            return result;
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    /// <summary>Writes tensors to a safetensors file atomically: the file appears complete or not at all.</summary>
    /// <param name="path">The destination; an existing file is replaced.</param>
    /// <param name="tensors">The tensors by key (any device; copied to the CPU as stored). Keys must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">The optional <c>__metadata__</c> string map (diffusers writes <c>{"format": "pt"}</c>).</param>
    /// <exception cref="ArgumentException">A key is empty, duplicated or reserved.</exception>
    /// <exception cref="NotSupportedException">A tensor's element type has no safetensors name.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in entries)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__" || !seen.Add(name))
            {
                throw new ArgumentException($"Tensor key '{name}' is empty, reserved or duplicated.", nameof(tensors));
            }

            ArgumentNullException.ThrowIfNull(tensor, $"tensors[{name}]");
        }

        byte[] header = SafetensorsHeaderParser.Encode(BuildHeaderJson(entries, metadata));
        AtomicFile.Write(
            path,
            stream =>
            {
                Span<byte> length = stackalloc byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var (_, tensor) in entries)
                {
                    using var cpu = tensor.detach().cpu().contiguous();
                    stream.Write(cpu.bytes);
                }
            },
            createFolder: true);
    }

    private static string BuildHeaderJson(List<KeyValuePair<string, Tensor>> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                long bytes = tensor.numel() * tensor.element_size();
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.NameOf(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (long dim in tensor.shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
