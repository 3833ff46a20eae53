using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>The CLIP vision tower, <c>vision_model</c> (transformers <c>CLIPVisionTransformer</c>).</summary>
/// <remarks>
/// <c>embeddings → pre_layrnorm → encoder (pre-LN layers, unmasked attention)</c>; the last hidden state is the raw encoder
/// output, and only the class token is normalised: <c>pooler_output = post_layernorm(last_hidden_state[:, 0])</c>.
/// <c>pre_layrnorm</c> is transformers' spelling.
/// </remarks>
internal sealed class ClipVisionTransformer : nn.Module
{
    private readonly ClipVisionEmbeddings embeddings;
    private readonly LayerNorm pre_layrnorm;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm post_layernorm;

    /// <summary>Builds the tower.</summary>
    /// <param name="config">A validated vision config.</param>
    public ClipVisionTransformer(ClipVisionConfig config)
        : base(nameof(ClipVisionTransformer))
    {
        embeddings = new ClipVisionEmbeddings(config);
        pre_layrnorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        encoder = new ClipEncoder(new ClipEncoderShape(
            config.NumHiddenLayers,
            config.HiddenSize,
            config.NumAttentionHeads,
            config.IntermediateSize,
            config.HiddenAct,
            config.LayerNormEps,
            Causal: false));
        post_layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>The embeddings (<c>vision_model.embeddings</c>).</summary>
    public ClipVisionEmbeddings Embeddings => embeddings;

    /// <summary>Runs the tower.</summary>
    /// <param name="pixel_values">[B, C, S, S] in the weights' dtype and device.</param>
    /// <param name="all_hidden_states">
    /// When given, receives transformers' <c>hidden_states</c>: <c>pre_layrnorm(embeddings)</c>, then each layer's output. The
    /// caller owns them.
    /// </param>
    /// <returns>The last hidden state [B, 1 + g², hidden] and the pooled output [B, hidden], owned by the caller.</returns>
    public (Tensor LastHiddenState, Tensor PoolerOutput) Forward(Tensor pixel_values, List<Tensor>? all_hidden_states)
    {
        using var scope = NewDisposeScope();
        var hidden_states = embeddings.Forward(pixel_values, null);
        hidden_states = pre_layrnorm.forward(hidden_states);
        var recorded = all_hidden_states is null ? null : new List<Tensor> { hidden_states };
        var encoded = encoder.Forward(hidden_states, recorded);

        // With hidden states the encoder output is also their last entry: give the caller a separate handle to own.
        var last_hidden_state = recorded is null ? encoded : encoded.alias();
        var pooled_output = post_layernorm.forward(last_hidden_state.select(1, 0));
        if (recorded is not null)
        {
            recorded.ForEach(t => t.MoveToOuterDisposeScope());
            all_hidden_states!.AddRange(recorded);
        }

        return (last_hidden_state.MoveToOuterDisposeScope(), pooled_output.MoveToOuterDisposeScope());
    }
}
