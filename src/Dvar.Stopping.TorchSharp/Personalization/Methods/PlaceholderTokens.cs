using System.Globalization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>Adds placeholder tokens to a pipeline's tokenizer and text encoder, as trainable or as frozen rows.</summary>
/// <remarks>
/// A token of n vectors is the n tokens <c>tok</c>, <c>tok_1</c>, ..., <c>tok_{n-1}</c> (diffusers' multi-vector naming), written as
/// <c>"tok tok_1 ..."</c> in prompts. Tokenizer ids and text encoder rows must stay aligned: new tokens get the ids
/// <see cref="ClipTextModel.VocabularySize"/> and up in both.
/// </remarks>
internal static class PlaceholderTokens
{
    /// <summary>The token names of an n-vector token: <c>tok</c>, <c>tok_1</c>, ..., <c>tok_{n-1}</c>.</summary>
    /// <param name="token">The token.</param>
    /// <param name="vectors">n ≥ 1.</param>
    /// <returns>The names.</returns>
    public static IReadOnlyList<string> Expand(string token, int vectors) =>
        [token, .. Enumerable.Range(1, vectors - 1).Select(i => token + "_" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Checks, changing nothing, that new tokens can be added with trainable rows, and resolves their initializer.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="tokens">The new tokens.</param>
    /// <param name="initializerToken">A string that encodes to exactly one existing token.</param>
    /// <param name="initializerName">The option's name, for messages.</param>
    /// <param name="vocabularyEntryFirst">
    /// Whether an initializer that is itself a vocabulary entry (a raw BPE token such as <c>ktn</c>) means that entry, as diffusers'
    /// Custom Diffusion script does (<c>tokenizer.encode([token])</c> takes the list as already tokenized); otherwise, and for
    /// strings that are no entry, the text is encoded (diffusers' Textual Inversion: <c>toy</c> is <c>toy&lt;/w&gt;</c>).
    /// </param>
    /// <returns>The id of the initializer token, for <see cref="AddTrainable"/>.</returns>
    /// <exception cref="ArgumentException">A token already exists, or the initializer is not exactly one token.</exception>
    /// <exception cref="InvalidOperationException">The tokenizer and the text encoder disagree on the vocabulary size.</exception>
    public static int CheckCanAddTrainable(
        StableDiffusionPipeline pipeline, IReadOnlyList<string> tokens, string initializerToken, string initializerName, bool vocabularyEntryFirst = false)
    {
        int initializerId = vocabularyEntryFirst && pipeline.Tokenizer.TokenToId(initializerToken) is int entry && entry < pipeline.Tokenizer.Vocabulary.Tokens.Count
            ? entry
            : InitializerId(pipeline.Tokenizer, initializerToken, initializerName);
        EnsureNew(pipeline.Tokenizer, tokens);
        EnsureAligned(pipeline);
        return initializerId;
    }

    /// <summary>Adds new tokens with trainable rows, each initialised from the row of an initializer token (checked by <see cref="CheckCanAddTrainable"/>).</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="tokens">The new tokens.</param>
    /// <param name="initializerId">The initializer's id.</param>
    /// <returns>The trainable rows [tokens.Count, hidden] (float32), registered in the text encoder.</returns>
    public static Parameter AddTrainable(StableDiffusionPipeline pipeline, IReadOnlyList<string> tokens, int initializerId)
    {
        Parameter rows;
        using (NewDisposeScope())
        using (no_grad())
        {
            var table = pipeline.TextEncoder.TokenEmbedding.weight!;
            var initial = table[initializerId].unsqueeze(0).expand(tokens.Count, -1);
            rows = pipeline.TextEncoder.AddTrainableTokenRows(initial);
        }

        pipeline.Tokenizer.AddTokens([.. tokens]);
        return rows;
    }

    /// <summary>Adds new tokens with frozen rows (loaded embeddings), appended to the token embedding table.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="tokens">The new tokens.</param>
    /// <param name="rows">[tokens.Count, hidden] values; converted to the table's dtype and device.</param>
    /// <exception cref="ArgumentException">A token already exists.</exception>
    /// <exception cref="InvalidOperationException">
    /// The tokenizer and the text encoder disagree on the vocabulary size, or the text encoder has trainable rows.
    /// </exception>
    public static void AddFrozen(StableDiffusionPipeline pipeline, IReadOnlyList<string> tokens, Tensor rows)
    {
        EnsureNew(pipeline.Tokenizer, tokens);
        EnsureAligned(pipeline);
        var encoder = pipeline.TextEncoder;
        encoder.ResizeTokenEmbeddings(encoder.Config.VocabSize + tokens.Count, rows);
        pipeline.Tokenizer.AddTokens([.. tokens]);
    }

    /// <summary>Checks, changing nothing, that <see cref="AddFrozen"/> can add these tokens.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="tokens">The new tokens.</param>
    /// <exception cref="ArgumentException">A token already exists or is given twice.</exception>
    /// <exception cref="InvalidOperationException">The vocabularies disagree, or the text encoder has trainable rows.</exception>
    public static void CheckCanAddFrozen(StableDiffusionPipeline pipeline, IReadOnlyList<string> tokens)
    {
        EnsureNew(pipeline.Tokenizer, tokens);
        if (tokens.Distinct(StringComparer.Ordinal).Count() != tokens.Count)
        {
            throw new ArgumentException($"A token is given twice: {string.Join(", ", tokens)}.", nameof(tokens));
        }

        EnsureAligned(pipeline);
        if (pipeline.TextEncoder.TrainableTokenRowCount > 0)
        {
            throw new InvalidOperationException("Frozen tokens cannot be added after a personalization method added trainable token rows; load them first.");
        }
    }

    /// <summary>The id of the single token an initializer string encodes to.</summary>
    /// <exception cref="ArgumentException">It encodes to zero or several tokens; the message names them.</exception>
    private static int InitializerId(ClipTokenizer tokenizer, string initializerToken, string initializerName)
    {
        int[] ids = tokenizer.EncodeWithoutSpecialTokens(initializerToken);
        if (ids.Length != 1)
        {
            string found = ids.Length == 0 ? "no token" : $"{ids.Length} tokens ({string.Join(", ", ids.Select(id => tokenizer.IdToToken(id)))})";
            throw new ArgumentException(
                $"{initializerName} '{initializerToken}' encodes to {found}; it must be exactly one token (e.g. a common word such as 'toy').",
                initializerName);
        }

        return ids[0];
    }

    private static void EnsureNew(ClipTokenizer tokenizer, IReadOnlyList<string> tokens)
    {
        foreach (string token in tokens)
        {
            if (tokenizer.TokenToId(token) is { } id)
            {
                throw new ArgumentException(
                    $"The token '{token}' already exists in the tokenizer (id {id}); choose a new placeholder token.", nameof(tokens));
            }
        }
    }

    private static void EnsureAligned(StableDiffusionPipeline pipeline)
    {
        int tokenizerSize = pipeline.Tokenizer.VocabularySize;
        int encoderSize = pipeline.TextEncoder.VocabularySize;
        if (tokenizerSize != encoderSize)
        {
            throw new InvalidOperationException(
                $"The tokenizer has {tokenizerSize} tokens but the text encoder {encoderSize} rows; new tokens would get mismatched ids. " +
                "Add tokens through the personalization methods (or keep both in step).");
        }
    }
}
