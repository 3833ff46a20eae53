namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>A tensor to rebuild: a strided view of a storage. Nothing is read until the whole pickle has been accepted.</summary>
/// <param name="Storage">The storage.</param>
/// <param name="Offset">The storage offset, in elements.</param>
/// <param name="Shape">The sizes.</param>
/// <param name="Stride">The strides, in elements.</param>
internal sealed record TensorRef(StorageRef Storage, long Offset, IReadOnlyList<long> Shape, IReadOnlyList<long> Stride);
