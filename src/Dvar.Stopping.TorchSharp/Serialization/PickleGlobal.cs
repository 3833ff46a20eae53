namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>An allow-listed global as the unpickler holds it: never a callable object, only a tag the unpickler interprets.</summary>
/// <param name="QualifiedName">The global as written, <c>module.name</c>.</param>
/// <param name="Kind">What it stands for.</param>
/// <param name="Storage">The element type of a <see cref="PickleGlobalKind.StorageType"/>; null otherwise.</param>
internal sealed record PickleGlobal(string QualifiedName, PickleGlobalKind Kind, TorchStorageType? Storage);
