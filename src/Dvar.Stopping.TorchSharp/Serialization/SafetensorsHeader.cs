namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>The parsed, validated header of a safetensors file.</summary>
public sealed class SafetensorsHeader
{
    internal SafetensorsHeader(
        string path,
        IReadOnlyDictionary<string, string> metadata,
        IReadOnlyList<SafetensorsTensorInfo> tensors,
        long dataOffset)
    {
        Path = path;
        Metadata = metadata;
        Tensors = tensors;
        DataOffset = dataOffset;
        ByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file the header was read from.</summary>
    public string Path { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor entries in the order of their data offsets.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The tensor entries by key.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> ByName { get; }

    /// <summary>The absolute file offset of the data section (8 + header length).</summary>
    public long DataOffset { get; }
}
