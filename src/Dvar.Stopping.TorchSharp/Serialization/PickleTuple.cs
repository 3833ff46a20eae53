namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>A pickled tuple (immutable).</summary>
/// <param name="Items">The items.</param>
internal sealed record PickleTuple(IReadOnlyList<object?> Items);
