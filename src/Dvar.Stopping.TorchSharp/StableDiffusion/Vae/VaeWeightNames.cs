namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The stored-name renames the VAE loader applies: legacy mid-block attention names to diffusers' current ones.</summary>
internal static class VaeWeightNames
{
    /// <summary>The mid-block attentions whose tensors may carry legacy names.</summary>
    private static readonly string[] AttentionPrefixes = ["encoder.mid_block.attentions.0.", "decoder.mid_block.attentions.0."];

    /// <summary>
    /// Legacy attention projection names and their current names. diffusers' old <c>AttentionBlock</c> named the projections
    /// <c>query</c>, <c>key</c>, <c>value</c>, <c>proj_attn</c>; the published SD v1.5 float32 VAE file still uses them (its fp16
    /// variant uses the current names), and diffusers renames them on load (<c>_convert_deprecated_attention_blocks</c>).
    /// <c>group_norm</c> kept its name. Old conversions may store the weights as 1x1 convolutions <c>[C, C, 1, 1]</c>; the loader
    /// accepts those for <see cref="AttentionProjectionWeights"/> only.
    /// </summary>
    private static readonly (string Legacy, string Current)[] LegacyProjections =
    [
        ("query", "to_q"),
        ("key", "to_k"),
        ("value", "to_v"),
        ("proj_attn", "to_out.0"),
    ];

    /// <summary>Stored key → module key for every legacy tensor name (weights and biases of both mid-block attentions).</summary>
    public static IReadOnlyDictionary<string, string> LegacyRenames { get; } = BuildLegacyRenames();

    /// <summary>The module keys of the four attention projection weights of both mid-block attentions (current names), the only VAE
    /// keys that may be stored with trailing singleton dimensions.</summary>
    public static IReadOnlySet<string> AttentionProjectionWeights { get; } =
        AttentionPrefixes.SelectMany(prefix => LegacyProjections.Select(p => $"{prefix}{p.Current}.weight")).ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, string> BuildLegacyRenames()
    {
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string prefix in AttentionPrefixes)
        {
            foreach (var (legacy, current) in LegacyProjections)
            {
                foreach (string parameter in new[] { "weight", "bias" })
                {
                    renames.Add($"{prefix}{legacy}.{parameter}", $"{prefix}{current}.{parameter}");
                }
            }
        }

        return renames;
    }
}
