namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>What a <see cref="ClipEncoder"/> is built from: the part of a text or vision config the encoder layers use.</summary>
/// <param name="NumHiddenLayers">The number of layers.</param>
/// <param name="HiddenSize">The width of the hidden states.</param>
/// <param name="NumAttentionHeads">The number of heads; divides <paramref name="HiddenSize"/>.</param>
/// <param name="IntermediateSize">The width of the MLP's hidden layer.</param>
/// <param name="HiddenAct">The MLP activation.</param>
/// <param name="LayerNormEps">The epsilon of both LayerNorms.</param>
/// <param name="Causal">Whether attention is causal (the text tower) or unmasked (the vision tower).</param>
internal sealed record ClipEncoderShape(
    int NumHiddenLayers,
    int HiddenSize,
    int NumAttentionHeads,
    int IntermediateSize,
    ClipActivation HiddenAct,
    double LayerNormEps,
    bool Causal)
{
    /// <summary>The text tower's encoder: causal attention.</summary>
    /// <param name="config">A validated text config.</param>
    /// <returns>The shape.</returns>
    public static ClipEncoderShape Text(ClipTextConfig config) => new(
        config.NumHiddenLayers,
        config.HiddenSize,
        config.NumAttentionHeads,
        config.IntermediateSize,
        config.HiddenAct,
        config.LayerNormEps,
        Causal: true);
}
