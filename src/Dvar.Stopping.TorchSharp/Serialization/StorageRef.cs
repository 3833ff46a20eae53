namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>A storage named by a persistent id: the archive entry <c>data/{Key}</c> holding <see cref="Numel"/> elements.</summary>
/// <param name="Type">The element type.</param>
/// <param name="Key">The entry name under <c>data/</c>.</param>
/// <param name="Numel">The number of elements the pickle claims.</param>
internal sealed record StorageRef(TorchStorageType Type, string Key, long Numel);
