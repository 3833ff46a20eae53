using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>The body of the CLIP text encoder, <c>text_model</c> (transformers <c>CLIPTextTransformer</c>).</summary>
/// <remarks><c>embeddings → encoder (pre-LN layers, causal attention) → final_layer_norm</c>.</remarks>
internal sealed class ClipTextTransformer : nn.Module
{
    private readonly ClipTextEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    /// <summary>Builds the body.</summary>
    /// <param name="config">A validated config.</param>
    public ClipTextTransformer(ClipTextConfig config)
        : base(nameof(ClipTextTransformer))
    {
        embeddings = new ClipTextEmbeddings(config);
        encoder = new ClipEncoder(ClipEncoderShape.Text(config));
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>The embeddings (<c>text_model.embeddings</c>).</summary>
    public ClipTextEmbeddings Embeddings => embeddings;

    /// <summary>Runs the encoder on token embeddings.</summary>
    /// <param name="inputs_embeds">[B, L, hidden] token embeddings (position embeddings are added here); not disposed.</param>
    /// <param name="all_hidden_states">
    /// When given, receives transformers' <c>hidden_states</c>: the embeddings output, then each layer's output (before the final
    /// LayerNorm). The caller owns them.
    /// </param>
    /// <returns>[B, L, hidden], the last hidden state after <c>final_layer_norm</c>.</returns>
    public Tensor Forward(Tensor inputs_embeds, List<Tensor>? all_hidden_states)
    {
        using var scope = NewDisposeScope();
        var hidden_states = embeddings.AddPositions(inputs_embeds);
        var recorded = all_hidden_states is null ? null : new List<Tensor> { hidden_states };
        hidden_states = encoder.Forward(hidden_states, recorded);
        var last_hidden_state = final_layer_norm.forward(hidden_states);
        if (recorded is not null)
        {
            recorded.ForEach(t => t.MoveToOuterDisposeScope());
            all_hidden_states!.AddRange(recorded);
        }

        return last_hidden_state.MoveToOuterDisposeScope();
    }
}
