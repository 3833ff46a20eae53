using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>Reads tensors from a safetensors file one at a time, after validating its whole header.</summary>
/// <remarks>
/// Opening validates every entry (dtype, shape against byte size, offsets inside the data section, no overlaps or gaps), so a
/// damaged or hostile file fails with an <see cref="InvalidDataException"/> before any tensor memory is allocated, and no read
/// allocates more than the file holds. Tensors are created on the CPU in the stored dtype.
/// </remarks>
public sealed class SafetensorsReader : IDisposable
{
    private readonly FileStream _stream;

    private SafetensorsReader(FileStream stream, SafetensorsHeader header)
    {
        _stream = stream;
        Header = header;
    }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>Opens a safetensors file and validates its header.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader owning the open file.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file; the message names the file and the problem.</exception>
    public static SafetensorsReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Safetensors file not found: {path}", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.RandomAccess);
        try
        {
            var header = SafetensorsHeaderParser.Parse(stream, path);
            return new SafetensorsReader(stream, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads one tensor by key.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <returns>A new CPU tensor in the stored dtype, owned by the caller.</returns>
    /// <exception cref="KeyNotFoundException">The file has no tensor of that name.</exception>
    /// <exception cref="InvalidDataException">The file changed or ended while reading.</exception>
    public Tensor ReadTensor(string name)
    {
        if (!Header.ByName.TryGetValue(name, out var info))
        {
            throw new KeyNotFoundException($"{Header.Path}: no tensor named '{name}'.");
        }

        return ReadTensor(info);
    }

    /// <summary>Reads the tensor an entry of <see cref="Header"/> describes.</summary>
    /// <param name="info">An entry of this reader's header.</param>
    /// <returns>A new CPU tensor in the stored dtype, owned by the caller.</returns>
    /// <exception cref="InvalidDataException">The file changed or ended while reading.</exception>
    public Tensor ReadTensor(SafetensorsTensorInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.ByteLength > int.MaxValue)
        {
            throw new InvalidDataException($"{Header.Path}: tensor '{info.Name}' is {info.ByteLength} bytes; tensors over 2 GiB are not supported.");
        }

        var tensor = empty(info.Shape.ToArray(), info.ScalarType);
        try
        {
            _stream.Position = Header.DataOffset + info.Begin;
            _stream.ReadExactly(tensor.bytes);
            return tensor;
        }
        catch (EndOfStreamException e)
        {
            tensor.Dispose();
            throw new InvalidDataException($"{Header.Path}: the file ended inside tensor '{info.Name}' (was it truncated while open?).", e);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
