using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>Copies of every state-dict tensor of a pipeline's text encoder, VAE and UNet, keyed <c>component.key</c>.</summary>
internal sealed class StateSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    private StateSnapshot(Dictionary<string, Tensor> tensors)
    {
        _tensors = tensors;
    }

    public IReadOnlyCollection<string> Keys => _tensors.Keys;

    public static StateSnapshot Take(StableDiffusionPipeline pipeline)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (prefix, module) in new (string, nn.Module)[] { ("text_encoder.", pipeline.TextEncoder), ("vae.", pipeline.Vae), ("unet.", pipeline.Unet) })
            {
                foreach (var (key, tensor) in module.state_dict())
                {
                    tensors.Add(prefix + key, tensor.detach().clone().DetachFromDisposeScope());
                }
            }
        }

        return new StateSnapshot(tensors);
    }

    /// <summary>The keys present in both snapshots whose tensors differ (shape or any element).</summary>
    public IReadOnlyList<string> ChangedFrom(StateSnapshot before) =>
        [.. before._tensors.Where(kv => _tensors.TryGetValue(kv.Key, out var now) && !Same(kv.Value, now)).Select(kv => kv.Key)];

    /// <summary>The keys of this snapshot that <paramref name="before"/> lacks.</summary>
    public IReadOnlyList<string> AddedSince(StateSnapshot before) => [.. _tensors.Keys.Where(k => !before._tensors.ContainsKey(k))];

    public Tensor this[string key] => _tensors[key];

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
    }

    private static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.Equals(b);
}
