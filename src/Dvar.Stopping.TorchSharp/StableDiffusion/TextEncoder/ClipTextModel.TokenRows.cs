using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>Trainable token rows: new tokens whose embeddings train while the token embedding table stays frozen.</summary>
public sealed partial class ClipTextModel
{
    /// <summary>The number of token ids the model accepts: the rows of <see cref="TokenEmbedding"/> plus the trainable rows.</summary>
    /// <value><see cref="ClipTextConfig.VocabSize"/> + <see cref="TrainableTokenRowCount"/> (49,408 for SD v1.5 before any token is added).</value>
    public int VocabularySize => Config.VocabSize + TrainableTokenRowCount;

    /// <summary>The number of trainable token rows added by <see cref="AddTrainableTokenRows"/>.</summary>
    /// <value>0 until rows are added.</value>
    public int TrainableTokenRowCount => checked((int)text_model.Embeddings.TrainableRowCount);

    /// <summary>
    /// Adds trainable rows for new token ids <c>VocabularySize .. VocabularySize + n - 1</c>: a float32 parameter kept apart from the
    /// frozen table and appended to it at lookup time, so that training it can change no other row.
    /// </summary>
    /// <param name="initialRows">[n, hidden] initial values (e.g. copies of an initializer token's row), any floating dtype and device; copied.</param>
    /// <returns>
    /// The new parameter (float32, on the model's device, <c>requires_grad</c> true), registered in this model as
    /// <c>text_model.embeddings.trainable_token_rows_{k}</c> and disposed with it. <see cref="forward"/>, <see cref="Encode"/> and
    /// every caller of the text encoder see the new ids; the rows are cast to the table's dtype inside the graph.
    /// </returns>
    /// <remarks>
    /// Add the matching tokens to the tokenizer (<see cref="ClipTokenizer.AddTokens"/>) so that their ids are the ones given here.
    /// After this call <see cref="ResizeTokenEmbeddings"/> is refused: frozen rows added later would take these ids.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="initialRows"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="initialRows"/> is not a floating [n ≥ 1, hidden] tensor.</exception>
    public Parameter AddTrainableTokenRows(Tensor initialRows)
    {
        ArgumentNullException.ThrowIfNull(initialRows);
        if (initialRows.dim() != 2 || initialRows.shape[0] < 1 || initialRows.shape[1] != Config.HiddenSize || !initialRows.is_floating_point())
        {
            throw new ArgumentException(
                $"initialRows must be a floating [n >= 1, {Config.HiddenSize}] tensor; got {initialRows.dtype} [{string.Join(", ", initialRows.shape)}].",
                nameof(initialRows));
        }

        var table = TokenEmbedding.weight!;
        Tensor copy;
        using (NewDisposeScope())
        using (no_grad())
        {
            // Kept out of every dispose scope: the parameter lives as long as this model.
            copy = initialRows.detach().to(ScalarType.Float32, table.device).clone().DetachFromDisposeScope();
        }

        var rows = new Parameter(copy, requires_grad: true);
        text_model.Embeddings.AddTrainableRows(rows);
        return rows;
    }

    private void ThrowIfTrainableRows()
    {
        if (TrainableTokenRowCount > 0)
        {
            throw new InvalidOperationException(
                $"The token embedding table cannot grow after trainable token rows were added ({TrainableTokenRowCount} rows at ids {Config.VocabSize} and up); " +
                "add frozen tokens (e.g. loaded embeddings) before attaching a personalization method.");
        }
    }
}
