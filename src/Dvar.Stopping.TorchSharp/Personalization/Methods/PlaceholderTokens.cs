using System.Globalization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

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
    /// <param name="initializerToken">The initializer, read as <paramref name="lookup"/> says.</param>
    /// <param name="initializerName">The option's name, for messages.</param>
    /// <param name="lookup">How the initializer names a token.</param>
    /// <returns>The id of the initializer token, for <see cref="AddTrainable"/>.</returns>
    /// <exception cref="ArgumentException">A token already exists, or the initializer names no single token (the message lists
    /// vocabulary entries that resemble it).</exception>
    /// <exception cref="InvalidOperationException">The tokenizer and the text encoder disagree on the vocabulary size.</exception>
    public static int CheckCanAddTrainable(
        StableDiffusionPipeline pipeline, IReadOnlyList<string> tokens, string initializerToken, string initializerName, InitializerLookup lookup)
    {
        var tokenizer = pipeline.Tokenizer;
        int? entry = tokenizer.TokenToId(initializerToken) is int id && id < tokenizer.Vocabulary.Tokens.Count ? id : null;
        int initializerId = lookup switch
        {
            InitializerLookup.VocabularyEntry => entry ?? throw NotAnEntry(tokenizer, initializerToken, initializerName),
            InitializerLookup.VocabularyEntryOrWord => entry ?? InitializerId(tokenizer, initializerToken, initializerName),
            _ => InitializerId(tokenizer, initializerToken, initializerName),
        };
        EnsureNew(tokenizer, tokens);
        EnsureAligned(pipeline);
        return initializerId;
    }

    /// <summary>The lookup of a recipe for Textual Inversion and DreamBooth-LoRA: a raw entry (the authors'
    /// <c>tokenizer.encode([token])</c>) or an encoded word (diffusers' <c>tokenizer.encode(token)</c>).</summary>
    public static InitializerLookup LookupOf(TrainingRecipe recipe) =>
        recipe == TrainingRecipe.Authors ? InitializerLookup.VocabularyEntry : InitializerLookup.Word;

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
    /// <summary>The error for an initializer that is no vocabulary entry, listing entries it may have meant.</summary>
    private static ArgumentException NotAnEntry(ClipTokenizer tokenizer, string initializerToken, string initializerName)
    {
        var entries = tokenizer.Vocabulary.Tokens;
        string word = initializerToken + ClipVocabulary.EndOfWord;
        var similar = entries
            .Where(e => e.StartsWith(initializerToken, StringComparison.Ordinal))
            .OrderBy(e => e == word ? 0 : 1)
            .ThenBy(e => Math.Abs(e.Length - initializerToken.Length))
            .ThenBy(e => e, StringComparer.Ordinal)
            .Take(8)
            .Select(e => $"'{e}'")
            .ToList();
        string suggestion = similar.Count > 0 ? $" Entries that exist: {string.Join(", ", similar)}." : string.Empty;
        return new ArgumentException(
            $"{initializerName} '{initializerToken}' is not an entry of the tokenizer's vocabulary; the authors' recipe looks the initializer up as a raw entry " +
            $"(a whole word ends in '{ClipVocabulary.EndOfWord}', e.g. 'toy{ClipVocabulary.EndOfWord}'; their default is 'ktn').{suggestion} " +
            "The diffusers recipe encodes a word instead.",
            initializerName);
    }

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
