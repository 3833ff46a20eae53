namespace Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

/// <summary>The data a CLIP BPE tokenizer is built from: the base vocabulary (id order) and the ranked merges.</summary>
/// <remarks>Built by <see cref="ClipVocabularyReader"/>, which validates it: ids are 0..N-1 without gaps, both special
/// tokens are present, and every merge joins two known symbols into a known symbol.</remarks>
internal sealed class ClipVocabulary
{
    /// <summary>The beginning-of-text token.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>The end-of-text token, also used for padding.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>The word-end marker appended to the last symbol of every word.</summary>
    public const string EndOfWord = "</w>";

    /// <summary>Initializes a new instance of the <see cref="ClipVocabulary"/> class.</summary>
    /// <param name="tokens">The tokens in id order.</param>
    /// <param name="merges">The merges, best (rank 0) first.</param>
    /// <param name="modelMaxLength">The padded sequence length.</param>
    public ClipVocabulary(IReadOnlyList<string> tokens, IReadOnlyList<(string Left, string Right)> merges, int modelMaxLength)
    {
        Tokens = tokens;
        Merges = merges;
        ModelMaxLength = modelMaxLength;
        var ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Count; id++)
        {
            ids.Add(tokens[id], id);
        }

        Ids = ids;
    }

    /// <summary>Gets the tokens in id order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Gets the id of every token.</summary>
    public IReadOnlyDictionary<string, int> Ids { get; }

    /// <summary>Gets the merges, best (rank 0) first.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>Gets the padded sequence length (77 for CLIP).</summary>
    public int ModelMaxLength { get; }
}
