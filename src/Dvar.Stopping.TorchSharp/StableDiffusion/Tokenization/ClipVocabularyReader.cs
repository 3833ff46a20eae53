using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

/// <summary>Reads and validates a <see cref="ClipVocabulary"/> from a Hugging Face tokenizer folder or OpenAI's merges file.</summary>
internal static class ClipVocabularyReader
{
    /// <summary>CLIP's padded sequence length, used when <c>tokenizer_config.json</c> does not give one.</summary>
    public const int DefaultModelMaxLength = 77;

    /// <summary>The largest <c>model_max_length</c> accepted.</summary>
    public const int MaxModelMaxLength = 1 << 16;

    /// <summary>CLIP's vocabulary has 49152 base ids: 256 byte symbols, the same with <c>&lt;/w&gt;</c>, the merges and 2 specials.</summary>
    public const int OpenAiMergeCount = 49152 - 256 - 2;

    /// <summary>Reads <c>vocab.json</c>, <c>merges.txt</c> and (optionally) <c>tokenizer_config.json</c> from a folder.</summary>
    /// <param name="folder">A diffusers <c>tokenizer/</c> folder.</param>
    /// <returns>The validated vocabulary.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException"><c>vocab.json</c> or <c>merges.txt</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file (and line).</exception>
    public static ClipVocabulary ReadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The tokenizer folder '{folder}' does not exist.");
        }

        var vocabPath = RequireFile(folder, "vocab.json");
        var mergesPath = RequireFile(folder, "merges.txt");
        var tokens = ReadVocab(vocabPath);
        var known = new HashSet<string>(tokens, StringComparer.Ordinal);
        var merges = ReadMerges(mergesPath, known);
        var maxLength = ReadModelMaxLength(Path.Combine(folder, "tokenizer_config.json"));
        return new ClipVocabulary(tokens, merges, maxLength);
    }

    /// <summary>Builds the vocabulary from OpenAI's gzip-compressed merges file, as CLIP's tokenizer does.</summary>
    /// <param name="gzip">The <c>bpe_simple_vocab_16e6.txt.gz</c> content.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <returns>256 byte symbols, the same with <c>&lt;/w&gt;</c>, the joined first 48894 merges, then the two specials.</returns>
    /// <exception cref="InvalidDataException">The file has fewer merges than CLIP needs or a malformed line.</exception>
    public static ClipVocabulary ReadOpenAiMerges(Stream gzip, string source)
    {
        using var reader = new StreamReader(new GZipStream(gzip, CompressionMode.Decompress), Encoding.UTF8);
        _ = reader.ReadLine(); // the version header
        var merges = new List<(string Left, string Right)>(OpenAiMergeCount);
        for (var lineNumber = 2; merges.Count < OpenAiMergeCount; lineNumber++)
        {
            var line = reader.ReadLine()
                ?? throw new InvalidDataException($"{source}: ends after {merges.Count} merges; CLIP needs {OpenAiMergeCount}.");
            merges.Add(ParseMerge(line, lineNumber, source));
        }

        var tokens = new List<string>(OpenAiMergeCount + 514);
        tokens.AddRange(ByteLevelAlphabet.Symbols);
        tokens.AddRange(ByteLevelAlphabet.Symbols.Select(s => s + ClipVocabulary.EndOfWord));
        tokens.AddRange(merges.Select(m => m.Left + m.Right));
        tokens.Add(ClipVocabulary.StartOfText);
        tokens.Add(ClipVocabulary.EndOfText);
        return new ClipVocabulary(tokens, merges, DefaultModelMaxLength);
    }

    /// <summary>Reads Hugging Face's <c>added_tokens.json</c> (token to id), if the file exists.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The entries in id order; empty when the file does not exist.</returns>
    /// <exception cref="InvalidDataException">The file is not a JSON object of integer ids.</exception>
    public static IReadOnlyList<(string Token, int Id)> ReadAddedTokens(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        return [.. ReadTokenIds(path).OrderBy(e => e.Id)];
    }

    private static string RequireFile(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The tokenizer file '{name}' is missing from '{folder}' (expected a diffusers tokenizer/ folder).", path);
        }

        return path;
    }

    private static string[] ReadVocab(string path)
    {
        var entries = ReadTokenIds(path);
        if (entries.Count == 0)
        {
            throw new InvalidDataException($"{path}: the vocabulary is empty.");
        }

        var tokens = new string?[entries.Count];
        foreach (var (token, id) in entries)
        {
            if (id < 0 || id >= entries.Count)
            {
                throw new InvalidDataException(
                    $"{path}: token '{token}' has id {id}; ids must be 0..{entries.Count - 1}, one per token.");
            }

            if (tokens[id] is { } other)
            {
                throw new InvalidDataException($"{path}: id {id} is given to both '{other}' and '{token}'.");
            }

            tokens[id] = token;
        }

        foreach (var special in new[] { ClipVocabulary.StartOfText, ClipVocabulary.EndOfText })
        {
            if (!entries.Any(e => e.Token == special))
            {
                throw new InvalidDataException($"{path}: the special token '{special}' is missing.");
            }
        }

        return tokens!;
    }

    private static List<(string Token, int Id)> ReadTokenIds(string path)
    {
        using var document = ParseJson(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException(
                $"{path}: expected a JSON object mapping tokens to ids, found a {document.RootElement.ValueKind}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<(string Token, int Id)>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var id))
            {
                throw new InvalidDataException(
                    $"{path}: token '{property.Name}' has id {property.Value.GetRawText()}; expected an integer.");
            }

            if (!seen.Add(property.Name))
            {
                throw new InvalidDataException($"{path}: token '{property.Name}' appears twice.");
            }

            entries.Add((property.Name, id));
        }

        return entries;
    }

    private static List<(string Left, string Right)> ReadMerges(string path, HashSet<string> known)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0)
        {
            count--;
        }

        var first = count > 0 && lines[0].StartsWith("#version", StringComparison.Ordinal) ? 1 : 0;
        var merges = new List<(string Left, string Right)>(count);
        for (var i = first; i < count; i++)
        {
            var merge = ParseMerge(lines[i], i + 1, path);
            foreach (var symbol in new[] { merge.Left, merge.Right, merge.Left + merge.Right })
            {
                if (!known.Contains(symbol))
                {
                    throw new InvalidDataException(
                        $"{path} line {i + 1}: the merge '{lines[i]}' uses '{symbol}', which vocab.json does not contain.");
                }
            }

            merges.Add(merge);
        }

        return merges;
    }

    private static (string Left, string Right) ParseMerge(string line, int lineNumber, string source)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
        {
            throw new InvalidDataException(
                $"{source} line {lineNumber}: expected two symbols separated by one space, found '{line}'.");
        }

        return (line[..space], line[(space + 1)..]);
    }

    private static int ReadModelMaxLength(string path)
    {
        if (!File.Exists(path))
        {
            return DefaultModelMaxLength;
        }

        using var document = ParseJson(path);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("model_max_length", out var value))
        {
            return DefaultModelMaxLength;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var length)
            || length < 2 || length > MaxModelMaxLength)
        {
            throw new InvalidDataException(
                $"{path}: model_max_length = {value.GetRawText()} is not supported; expected an integer in [2, {MaxModelMaxLength}].");
        }

        return length;
    }

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: malformed JSON ({ex.Message})", ex);
        }
    }
}
