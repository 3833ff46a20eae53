using System.IO.Compression;
using System.Text.Json;
using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

namespace Dvar.Toy.Pretraining;

/// <summary>Writes the toy pipeline's <c>tokenizer/</c> folder: CLIP's BPE vocabulary cut down to the toy world's words.</summary>
/// <remarks>The merges are the ones CLIP's own BPE applies to the toy words (taken from OpenAI's merges file, embedded in
/// <c>Dvar.Stopping.TorchSharp</c>, in their original order), so every toy word tokenizes exactly as in CLIP, as one token.
/// The vocabulary keeps CLIP's layout (the 256 byte symbols, the same with <c>&lt;/w&gt;</c>, one entry per merge, then
/// <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>), so any other text still tokenizes (into letters). The result
/// is checked by loading it with the library's own <see cref="ClipTokenizer"/>.</remarks>
internal static class ToyTokenizerWriter
{
    /// <summary>The padded sequence length: the longest toy prompt has 11 words, plus BOS and EOS, plus room for a multi-vector token.</summary>
    public const int ModelMaxLength = 16;

    private const string EndOfWord = "</w>";
    private const string MergesResource = "Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization.bpe_simple_vocab_16e6.txt.gz";

    /// <summary>Writes vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json and checks them.</summary>
    /// <param name="folder">The tokenizer folder (created).</param>
    /// <returns>The vocabulary size, including the two special tokens.</returns>
    public static int Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var ranks = ClipMergeRanks();
        var used = new SortedDictionary<int, (string Left, string Right)>();
        foreach (var word in ToyVocabulary.AllWords)
        {
            foreach (var (rank, merge) in MergesOf(word, ranks))
            {
                used[rank] = merge;
            }
        }

        var merges = used.Values.ToList();
        var tokens = new List<string>(ByteLevelSymbols.All);
        tokens.AddRange(ByteLevelSymbols.All.Select(s => s + EndOfWord));
        tokens.AddRange(merges.Select(m => m.Left + m.Right));
        tokens.Add("<|startoftext|>");
        tokens.Add("<|endoftext|>");
        var vocab = tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), ["#version: 0.2", .. merges.Select(m => $"{m.Left} {m.Right}")]);
        var special = new Dictionary<string, string>
        {
            ["bos_token"] = "<|startoftext|>",
            ["eos_token"] = "<|endoftext|>",
            ["pad_token"] = "<|endoftext|>",
            ["unk_token"] = "<|endoftext|>",
        };
        var config = new Dictionary<string, object>(special.ToDictionary(p => p.Key, p => (object)p.Value))
        {
            ["tokenizer_class"] = "CLIPTokenizer",
            ["model_max_length"] = ModelMaxLength,
            ["do_lower_case"] = true,
        };
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), JsonSerializer.Serialize(special, Json.Indented));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), JsonSerializer.Serialize(config, Json.Indented));
        Check(folder);
        return tokens.Count;
    }

    /// <summary>CLIP's merges by pair, with their rank (line order), from OpenAI's file embedded in the library.</summary>
    private static Dictionary<(string Left, string Right), int> ClipMergeRanks()
    {
        using var stream = typeof(ClipTokenizer).Assembly.GetManifestResourceStream(MergesResource)
            ?? throw new InvalidOperationException($"The resource {MergesResource} is missing from Dvar.Stopping.TorchSharp.");
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
        _ = reader.ReadLine();
        var ranks = new Dictionary<(string, string), int>();

        // CLIP uses the first 49152 - 256 - 2 merges of the file.
        for (int rank = 0; rank < 48_894 && reader.ReadLine() is { } line; rank++)
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            ranks.TryAdd((line[..space], line[(space + 1)..]), rank);
        }

        return ranks;
    }

    /// <summary>Runs CLIP's BPE on one lower-case ASCII word and returns the merges it applies, with their ranks.</summary>
    private static List<(int Rank, (string Left, string Right) Merge)> MergesOf(string word, Dictionary<(string Left, string Right), int> ranks)
    {
        var symbols = word.Select(c => c.ToString()).ToList();
        symbols[^1] += EndOfWord;
        var applied = new List<(int, (string, string))>();
        while (symbols.Count > 1)
        {
            int best = -1;
            int bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
            {
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < bestRank)
                {
                    best = i;
                    bestRank = rank;
                }
            }

            if (best < 0)
            {
                break;
            }

            var pair = (symbols[best], symbols[best + 1]);
            applied.Add((bestRank, pair));

            // Merge every occurrence of the pair, left to right, as CLIP does.
            var merged = new List<string>();
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && (symbols[i], symbols[i + 1]) == pair)
                {
                    merged.Add(symbols[i] + symbols[i + 1]);
                    i++;
                }
                else
                {
                    merged.Add(symbols[i]);
                }
            }

            symbols = merged;
        }

        return applied;
    }

    private static void Check(string folder)
    {
        var tokenizer = ClipTokenizer.FromPretrained(folder);
        foreach (var word in ToyVocabulary.AllWords)
        {
            var ids = tokenizer.EncodeWithoutSpecialTokens(word);
            if (ids.Length != 1)
            {
                throw new InvalidOperationException($"The toy tokenizer splits '{word}' into {ids.Length} tokens; every toy word must be one.");
            }
        }
    }
}
