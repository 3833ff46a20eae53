using System.Text;
using Microsoft.ML.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

/// <summary>The CLIP BPE tokenizer of Stable Diffusion v1.5's text encoder, with textual-inversion tokens.</summary>
/// <remarks>
/// <para>Gives the ids of Hugging Face's <c>CLIPTokenizer</c> called with <c>padding="max_length"</c>,
/// <c>max_length=77</c>, <c>truncation=True</c>: <c>[BOS] + ids[:75] + [EOS]</c>, padded with EOS to
/// <see cref="ModelMaxLength"/>. Steps: added and special tokens are cut out of the raw text (case-sensitive, longest
/// first); each remaining segment is normalised (Unicode NFC, white-space runs to one space, trimmed, lower-cased), split by
/// CLIP's pre-tokenizer pattern, and every piece is UTF-8 encoded, written in GPT-2's byte alphabet, marked with
/// <c>&lt;/w&gt;</c> on its last symbol and merged by BPE rank.</para>
/// <para>Difference from CLIP: CLIP first repairs the text with <c>ftfy.fix_text</c>; only its NFC step is done here, so
/// mojibake, HTML entities, curly quotes, ligatures and full-width forms are tokenized as written.</para>
/// <para>The BPE merge loop is Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> (byte level, <c>&lt;/w&gt;</c> end-of-word
/// suffix), fed one pre-tokenized word at a time; it reproduces CLIP's ids exactly on the reference cases and on random
/// text against a naive implementation of CLIP's algorithm. Its regex pre-tokenizer is not used: .NET regular expressions
/// classify UTF-16 code units, so letters outside the Basic Multilingual Plane would be split differently from CLIP.
/// BPE results are cached per word by that instance (bounded).</para>
/// <para>Encoding is thread-safe. <see cref="AddTokens"/> may run concurrently with encoding; an encode that overlaps it
/// sees the tokens either before or after the addition.</para>
/// </remarks>
public sealed class ClipTokenizer
{
    private const string DefaultVocabularyResource = "Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization.bpe_simple_vocab_16e6.txt.gz";

    private readonly ClipVocabulary _vocabulary;
    private readonly BpeTokenizer _bpe;
    private readonly Lock _addLock = new();
    private volatile AddedTokenSet _added;

    private ClipTokenizer(ClipVocabulary vocabulary)
    {
        _vocabulary = vocabulary;
        _bpe = BpeTokenizer.Create(new BpeOptions(vocabulary.Ids)
        {
            Merges = vocabulary.Merges.Select(m => $"{m.Left} {m.Right}"),
            ByteLevel = true,
            EndOfWordSuffix = ClipVocabulary.EndOfWord,
        });
        BosTokenId = vocabulary.Ids[ClipVocabulary.StartOfText];
        EosTokenId = vocabulary.Ids[ClipVocabulary.EndOfText];
        _added = AddedTokenSet.FromSpecials(
            [new(ClipVocabulary.StartOfText, BosTokenId), new(ClipVocabulary.EndOfText, EosTokenId)]);
    }

    /// <summary>Gets the number of ids: the base vocabulary plus the added tokens.</summary>
    /// <value>49408 for CLIP before any token is added.</value>
    public int VocabularySize => _vocabulary.Tokens.Count + _added.Added.Count;

    /// <summary>Gets the id of <c>&lt;|startoftext|&gt;</c>.</summary>
    /// <value>49406 for CLIP.</value>
    public int BosTokenId { get; }

    /// <summary>Gets the id of <c>&lt;|endoftext|&gt;</c>.</summary>
    /// <value>49407 for CLIP.</value>
    public int EosTokenId { get; }

    /// <summary>Gets the padding id, which is the end-of-text id.</summary>
    /// <value>49407 for CLIP.</value>
    public int PadTokenId => EosTokenId;

    /// <summary>Gets the length every encoding is padded or truncated to.</summary>
    /// <value><c>model_max_length</c> from <c>tokenizer_config.json</c>; 77 when absent and for <see cref="CreateDefault"/>.</value>
    public int ModelMaxLength => _vocabulary.ModelMaxLength;

    /// <summary>Gets the vocabulary this tokenizer was built from.</summary>
    internal ClipVocabulary Vocabulary => _vocabulary;

    /// <summary>Loads the tokenizer of a diffusers pipeline folder's <c>tokenizer/</c> subfolder.</summary>
    /// <param name="folder">The folder holding <c>vocab.json</c>, <c>merges.txt</c> and optionally
    /// <c>tokenizer_config.json</c> (for <c>model_max_length</c>) and <c>added_tokens.json</c> (added tokens, which must
    /// take consecutive ids after the vocabulary).</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is null or empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>vocab.json</c> or <c>merges.txt</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file and, for
    /// <c>merges.txt</c>, the line.</exception>
    public static ClipTokenizer FromPretrained(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var tokenizer = new ClipTokenizer(ClipVocabularyReader.ReadFolder(folder));
        var addedPath = Path.Combine(folder, "added_tokens.json");
        foreach (var (token, id) in ClipVocabularyReader.ReadAddedTokens(addedPath))
        {
            if (tokenizer.TokenToId(token) == id)
            {
                continue; // newer transformers also list the special tokens here
            }

            if (id != tokenizer.VocabularySize || tokenizer.TokenToId(token) is not null)
            {
                throw new InvalidDataException(
                    $"{addedPath}: token '{token}' has id {id}; added tokens must be new and take consecutive ids from {tokenizer.VocabularySize}.");
            }

            tokenizer.AddTokens(token);
        }

        return tokenizer;
    }

    /// <summary>Creates CLIP's tokenizer from the vocabulary shipped inside this library; needs no files.</summary>
    /// <returns>A tokenizer equal to Stable Diffusion v1.5's (same vocabulary, merges and 77-token length).</returns>
    /// <remarks>The vocabulary is derived from OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c> (MIT, see LICENSE-CLIP in the
    /// package) exactly as CLIP's tokenizer does: the 256 byte symbols, the same with <c>&lt;/w&gt;</c>, the joined first
    /// 48894 merges, then <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>.</remarks>
    public static ClipTokenizer CreateDefault()
    {
        using var stream = typeof(ClipTokenizer).Assembly.GetManifestResourceStream(DefaultVocabularyResource)
            ?? throw new InvalidOperationException($"The embedded resource '{DefaultVocabularyResource}' is missing from the assembly.");
        return new ClipTokenizer(ClipVocabularyReader.ReadOpenAiMerges(stream, DefaultVocabularyResource));
    }

    /// <summary>Adds whole-string tokens (e.g. textual-inversion placeholders such as <c>&lt;cat-toy&gt;</c>).</summary>
    /// <param name="tokens">The new tokens. Each is matched verbatim (case-sensitive) in the raw text before any other
    /// processing, longest first.</param>
    /// <returns>Their ids, consecutive from the current <see cref="VocabularySize"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokens"/> is null.</exception>
    /// <exception cref="ArgumentException">A token is null or empty, already exists (in the vocabulary or as an added or
    /// special token), or is given twice; the message names it. Nothing is added then.</exception>
    public IReadOnlyList<int> AddTokens(params string[] tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        lock (_addLock)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var token in tokens)
            {
                if (string.IsNullOrEmpty(token))
                {
                    throw new ArgumentException("An added token must be a non-empty string.", nameof(tokens));
                }

                if (TokenToId(token) is { } existing)
                {
                    throw new ArgumentException($"The token '{token}' already exists (id {existing}).", nameof(tokens));
                }

                if (!seen.Add(token))
                {
                    throw new ArgumentException($"The token '{token}' is given twice.", nameof(tokens));
                }
            }

            var firstId = VocabularySize;
            _added = _added.With(tokens, firstId);
            return [.. Enumerable.Range(firstId, tokens.Length)];
        }
    }

    /// <summary>Looks up the id of a token (a vocabulary entry such as <c>cat&lt;/w&gt;</c>, a special or an added token).</summary>
    /// <param name="token">The token as stored in the vocabulary.</param>
    /// <returns>Its id, or null when the tokenizer does not know it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_vocabulary.Ids.TryGetValue(token, out var id) || _added.TryGetId(token, out id))
        {
            return id;
        }

        return null;
    }

    /// <summary>Looks up the token of an id.</summary>
    /// <param name="id">An id.</param>
    /// <returns>The token, or null when <paramref name="id"/> is outside [0, <see cref="VocabularySize"/>).</returns>
    public string? IdToToken(int id)
    {
        var added = _added.Added;
        var baseCount = _vocabulary.Tokens.Count;
        if (id >= 0 && id < baseCount)
        {
            return _vocabulary.Tokens[id];
        }

        return id >= baseCount && id - baseCount < added.Count ? added[id - baseCount] : null;
    }

    /// <summary>Returns the BPE tokens of <paramref name="text"/> without special tokens, padding or truncation.</summary>
    /// <param name="text">The prompt.</param>
    /// <returns>The tokens, e.g. <c>["a&lt;/w&gt;", "photo&lt;/w&gt;"]</c> for "A photo".</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<string> Tokenize(string text) => [.. EncodeWithoutSpecialTokens(text).Select(id => IdToToken(id)!)];

    /// <summary>Returns the ids of <paramref name="text"/> without special tokens, padding or truncation.</summary>
    /// <param name="text">The prompt.</param>
    /// <returns>The ids; more than <see cref="ModelMaxLength"/> − 2 of them means <see cref="Encode"/> truncates.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] EncodeWithoutSpecialTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (var (segment, matchedId) in _added.Split(text))
        {
            if (matchedId is { } id)
            {
                ids.Add(id);
                continue;
            }

            foreach (var piece in ClipPreTokenizer.Split(ClipTextNormalizer.Normalize(segment)))
            {
                // CLIP maps the special tokens, when its pattern finds them as words, to themselves without BPE.
                if (piece is ClipVocabulary.StartOfText or ClipVocabulary.EndOfText)
                {
                    ids.Add(_vocabulary.Ids[piece]);
                }
                else
                {
                    ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
                }
            }
        }

        return [.. ids];
    }

    /// <summary>Encodes one prompt as the text encoder expects it.</summary>
    /// <param name="text">The prompt.</param>
    /// <returns><see cref="ModelMaxLength"/> ids: BOS, at most <see cref="ModelMaxLength"/> − 2 token ids (the rest is
    /// cut off), EOS, then EOS padding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] Encode(string text)
    {
        var content = EncodeWithoutSpecialTokens(text);
        var ids = new int[ModelMaxLength];
        Array.Fill(ids, PadTokenId);
        var kept = Math.Min(content.Length, ModelMaxLength - 2);
        ids[0] = BosTokenId;
        content.AsSpan(0, kept).CopyTo(ids.AsSpan(1));
        ids[kept + 1] = EosTokenId;
        return ids;
    }

    /// <summary>Encodes a batch of prompts into the text encoder's <c>input_ids</c>.</summary>
    /// <param name="texts">The prompts.</param>
    /// <param name="device">Where to create the tensor; the CPU when null.</param>
    /// <returns>An int64 tensor of shape [texts.Count, <see cref="ModelMaxLength"/>], row i = <see cref="Encode"/>(texts[i]).
    /// The caller owns (disposes) it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its items is null.</exception>
    public Tensor EncodeToTensor(IReadOnlyList<string> texts, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var ids = new long[texts.Count * (long)ModelMaxLength];
        for (var row = 0; row < texts.Count; row++)
        {
            var text = texts[row] ?? throw new ArgumentNullException(nameof(texts), $"texts[{row}] is null.");
            var encoded = Encode(text);
            for (var column = 0; column < encoded.Length; column++)
            {
                ids[(row * ModelMaxLength) + column] = encoded[column];
            }
        }

        return torch.tensor(ids, [texts.Count, ModelMaxLength], ScalarType.Int64, device);
    }

    /// <summary>Turns ids back into text; special tokens (BOS, EOS, padding) are skipped.</summary>
    /// <param name="ids">Ids from this tokenizer.</param>
    /// <returns>The text: word ends become spaces, added tokens appear verbatim, separated by single spaces, trimmed.
    /// Text that was normalised on the way in comes back normalised (lower case, single spaces); bytes that do not form
    /// valid UTF-8 become U+FFFD.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="VocabularySize"/>); the message names it.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var parts = new List<string>();
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id == BosTokenId || id == EosTokenId)
            {
                continue;
            }

            var token = IdToToken(id)
                ?? throw new ArgumentOutOfRangeException(nameof(ids), id, $"The id {id} is not in [0, {VocabularySize}).");
            if (id < _vocabulary.Tokens.Count)
            {
                AppendSymbolBytes(token, bytes);
                continue;
            }

            FlushBytes(bytes, parts);
            parts.Add(token);
        }

        FlushBytes(bytes, parts);
        return string.Join(' ', parts.Where(p => p.Length > 0));
    }

    private static void AppendSymbolBytes(string token, List<byte> bytes)
    {
        foreach (var symbol in token)
        {
            if (ByteLevelAlphabet.CharToByte.TryGetValue(symbol, out var b))
            {
                bytes.Add(b);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(symbol.ToString()));
            }
        }
    }

    private static void FlushBytes(List<byte> bytes, List<string> parts)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        parts.Add(Encoding.UTF8.GetString([.. bytes]).Replace(ClipVocabulary.EndOfWord, " ", StringComparison.Ordinal).Trim());
        bytes.Clear();
    }
}
