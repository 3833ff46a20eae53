using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>One tensor entry of a safetensors header, validated against the file.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">The dtype name as stored (<c>F32</c>, <c>F16</c>, <c>BF16</c>, ...).</param>
/// <param name="ScalarType">The element type the tensor is read as.</param>
/// <param name="Shape">The shape (empty for a scalar).</param>
/// <param name="Begin">The start of the tensor's bytes, relative to the data section.</param>
/// <param name="End">The end (exclusive) of the tensor's bytes, relative to the data section.</param>
public sealed record SafetensorsTensorInfo(string Name, string DType, ScalarType ScalarType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>The number of bytes the tensor occupies.</summary>
    public long ByteLength => End - Begin;

    /// <summary>The shape formatted as <c>[a, b, c]</c>, for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
