using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>The element type of a legacy typed torch storage.</summary>
/// <param name="Name">The storage class name, e.g. <c>FloatStorage</c>.</param>
/// <param name="ScalarType">The element type.</param>
/// <param name="ElementSize">Bytes per element.</param>
internal sealed record TorchStorageType(string Name, ScalarType ScalarType, int ElementSize);
