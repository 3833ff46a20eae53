using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>Token plus learned position embeddings (transformers <c>CLIPTextEmbeddings</c>).</summary>
/// <remarks>
/// Position ids are always <c>0..L-1</c>, built on the fly: transformers keeps them in a <c>position_ids</c> buffer, which
/// published files contain and the loader ignores; it is not part of this module's state dict.
/// </remarks>
internal sealed partial class ClipTextEmbeddings : nn.Module
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;

    /// <summary>Builds both tables.</summary>
    /// <param name="config">A validated config.</param>
    public ClipTextEmbeddings(ClipTextConfig config)
        : base(nameof(ClipTextEmbeddings))
    {
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>The token embedding table (<c>text_model.embeddings.token_embedding</c>).</summary>
    public Embedding TokenEmbedding => token_embedding;

    /// <summary>Looks up the token embeddings of <paramref name="input_ids"/>, in the frozen table or in the trainable rows after it.</summary>
    /// <param name="input_ids">[B, L] int64 ids.</param>
    /// <returns>[B, L, hidden].</returns>
    public Tensor EmbedTokens(Tensor input_ids) =>
        _trainableRows.Count == 0 ? token_embedding.forward(input_ids) : EmbedWithTrainableRows(input_ids);

    /// <summary>Adds the position embeddings of positions <c>0..L-1</c> to token embeddings.</summary>
    /// <param name="inputs_embeds">[B, L, hidden] token embeddings.</param>
    /// <returns>[B, L, hidden].</returns>
    public Tensor AddPositions(Tensor inputs_embeds)
    {
        using var scope = NewDisposeScope();
        var position_ids = HeldScalar.Range(inputs_embeds.shape[1], ScalarType.Int64, inputs_embeds.device).unsqueeze(0);
        var position_embeds = position_embedding.forward(position_ids);
        return inputs_embeds.Plus(position_embeds).MoveToOuterDisposeScope();
    }

    /// <summary>Appends rows to the token embedding table, keeping the existing rows and the weight's <c>requires_grad</c>.</summary>
    /// <param name="newRows">[added, hidden] values of the new rows (any dtype and device; converted to the table's).</param>
    public void AppendTokenRows(Tensor newRows)
    {
        using var old = token_embedding.parameters().First();
        using var noGrad = no_grad();
        using var rows = newRows.to(old.dtype, old.device);
        using var oldValues = old.detach();
        var combined = cat([oldValues, rows], 0).DetachFromDisposeScope();

        // The module now holds the new weight; the old registered parameter is released when disposed above.
        token_embedding.weight = new Parameter(combined, old.requires_grad);
    }
}
