namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>A pickled dict or <c>OrderedDict</c>, in insertion order. Keys are strings or integers.</summary>
internal sealed class PickleDict
{
    /// <summary>The entries in insertion order.</summary>
    public OrderedDictionary<object, object?> Entries { get; } = [];
}
