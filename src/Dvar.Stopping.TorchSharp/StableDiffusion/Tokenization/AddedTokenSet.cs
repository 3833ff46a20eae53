namespace Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

/// <summary>An immutable set of whole-string tokens that are cut out of the raw text before normalisation and BPE.</summary>
/// <remarks>Holds the special tokens and the added (textual-inversion) tokens. Matching is ordinal (case-sensitive) on the
/// raw text, as Hugging Face's slow <c>CLIPTokenizer</c> does: at the leftmost position where any token matches, the
/// longest matching token wins.</remarks>
internal sealed class AddedTokenSet
{
    private readonly Dictionary<string, int> _ids;
    private readonly string[] _longestFirst;

    private AddedTokenSet(Dictionary<string, int> ids, IReadOnlyList<string> added)
    {
        _ids = ids;
        Added = added;
        _longestFirst = [.. ids.Keys.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal)];
    }

    /// <summary>Gets the added tokens in id order (not the special tokens).</summary>
    public IReadOnlyList<string> Added { get; }

    /// <summary>Creates a set that matches only the given special tokens.</summary>
    /// <param name="specials">The special tokens and their ids.</param>
    /// <returns>The set.</returns>
    public static AddedTokenSet FromSpecials(IEnumerable<KeyValuePair<string, int>> specials) =>
        new(new Dictionary<string, int>(specials, StringComparer.Ordinal), []);

    /// <summary>Returns a new set with <paramref name="tokens"/> added, taking ids <paramref name="firstId"/>, +1, ...</summary>
    /// <param name="tokens">New tokens, none of them already in the set.</param>
    /// <param name="firstId">The id of the first new token.</param>
    /// <returns>The extended set.</returns>
    public AddedTokenSet With(IReadOnlyList<string> tokens, int firstId)
    {
        var ids = new Dictionary<string, int>(_ids, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            ids.Add(tokens[i], firstId + i);
        }

        return new AddedTokenSet(ids, [.. Added, .. tokens]);
    }

    /// <summary>Looks up a token of the set.</summary>
    /// <param name="token">The token.</param>
    /// <param name="id">Its id when found.</param>
    /// <returns>Whether the set holds the token.</returns>
    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    /// <summary>Cuts <paramref name="text"/> into plain-text segments and matched tokens, in order.</summary>
    /// <param name="text">The raw text.</param>
    /// <returns>Segments: <c>(text, null)</c> for plain text (never empty), <c>(token, id)</c> for a match.</returns>
    public List<(string Text, int? Id)> Split(string text)
    {
        var segments = new List<(string Text, int? Id)>();
        var plainStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var match = MatchAt(text, i);
            if (match is null)
            {
                i++;
                continue;
            }

            if (i > plainStart)
            {
                segments.Add((text[plainStart..i], null));
            }

            segments.Add((match, _ids[match]));
            i += match.Length;
            plainStart = i;
        }

        if (text.Length > plainStart)
        {
            segments.Add((text[plainStart..], null));
        }

        return segments;
    }

    private string? MatchAt(string text, int index)
    {
        foreach (var token in _longestFirst)
        {
            if (text.AsSpan(index).StartsWith(token, StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }
}
