using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization.Reference;

/// <summary>A deliberately plain transcription of CLIP's tokenizer algorithm (cases.json "notes"), used as a reference.</summary>
/// <remarks>Normalises with .NET <see cref="Regex"/> (so only for text without U+001C..U+001F and without letters or digits
/// outside the BMP), byte-maps with GPT-2's table built from its definition, and runs CLIP's BPE loop: merge every
/// occurrence of the lowest-ranked adjacent pair until no ranked pair is left.</remarks>
internal sealed partial class NaiveClipTokenizer
{
    private readonly Dictionary<string, int> _encoder;
    private readonly Dictionary<(string, string), int> _ranks = [];
    private readonly string[] _byteEncoder = new string[256];

    public NaiveClipTokenizer(string folder)
    {
        _encoder = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(folder, "vocab.json")))!;
        var lines = File.ReadAllText(Path.Combine(folder, "merges.txt")).Trim().Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            _ranks[(parts[0], parts[1])] = i - 1;
        }

        // GPT-2 bytes_to_unicode: printable bytes map to themselves, the rest to 256, 257, ... in byte order.
        var printable = new List<int>();
        printable.AddRange(Enumerable.Range('!', '~' - '!' + 1));
        printable.AddRange(Enumerable.Range('¡', '¬' - '¡' + 1));
        printable.AddRange(Enumerable.Range('®', 'ÿ' - '®' + 1));
        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            _byteEncoder[b] = printable.Contains(b) ? ((char)b).ToString() : ((char)(256 + n++)).ToString();
        }
    }

    public List<int> Encode(string text)
    {
        text = Whitespace().Replace(text.Normalize(NormalizationForm.FormC), " ").Trim().ToLowerInvariant();
        var ids = new List<int>();
        foreach (Match match in Pattern().Matches(text))
        {
            var mapped = string.Concat(Encoding.UTF8.GetBytes(match.Value).Select(b => _byteEncoder[b]));
            ids.AddRange(Bpe(mapped).Select(t => _encoder[t]));
        }

        return ids;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>CLIP's pre-tokenizer pattern as a .NET regex (right for BMP text only: .NET classifies UTF-16 units).</summary>
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    public static partial Regex Pattern();

    private List<string> Bpe(string token)
    {
        if (token is "<|startoftext|>" or "<|endoftext|>")
        {
            return [token];
        }

        var word = token.Select(c => c.ToString()).ToList();
        word[^1] += "</w>";
        while (word.Count > 1)
        {
            (string, string)? best = null;
            var bestRank = int.MaxValue;
            for (var i = 0; i < word.Count - 1; i++)
            {
                if (_ranks.TryGetValue((word[i], word[i + 1]), out var rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = (word[i], word[i + 1]);
                }
            }

            if (best is not { } pair)
            {
                break;
            }

            var (first, second) = pair;

            var merged = new List<string>();
            for (var i = 0; i < word.Count; i++)
            {
                if (i < word.Count - 1 && word[i] == first && word[i + 1] == second)
                {
                    merged.Add(first + second);
                    i++;
                }
                else
                {
                    merged.Add(word[i]);
                }
            }

            word = merged;
        }

        return word;
    }
}
