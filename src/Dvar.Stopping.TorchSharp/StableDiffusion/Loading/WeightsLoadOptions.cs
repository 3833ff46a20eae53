namespace Dvar.Stopping.TorchSharp.StableDiffusion.Loading;

/// <summary>How <see cref="ModuleWeights"/> maps a weights file onto a module.</summary>
internal sealed record WeightsLoadOptions
{
    /// <summary>The weights variant, e.g. <c>fp16</c> for <c>diffusion_pytorch_model.fp16.safetensors</c>; null for the plain file.</summary>
    public string? Variant { get; init; }

    /// <summary>Renames of stored keys to module keys (stored name -&gt; module name), e.g. the VAE's legacy attention names.</summary>
    public IReadOnlyDictionary<string, string> Renames { get; init; } = new Dictionary<string, string>();

    /// <summary>Stored keys that may be present and are ignored (e.g. transformers' <c>position_ids</c> buffer).</summary>
    public IReadOnlySet<string> IgnoredKeys { get; init; } = new HashSet<string>();

    /// <summary>
    /// Module keys whose stored tensor may differ from the module tensor by trailing singleton dimensions only (e.g. a 1x1
    /// convolution kernel <c>[C, C, 1, 1]</c> stored for a linear weight <c>[C, C]</c>, as old VAE conversions did). Every other
    /// key must have exactly the module's shape.
    /// </summary>
    public IReadOnlySet<string> SingletonReshapeKeys { get; init; } = new HashSet<string>();
}
