namespace Dvar.Toy.Pretraining;

/// <summary>GPT-2's byte-to-symbol table, which CLIP's BPE uses: printable Latin-1 bytes stand for themselves and the
/// other 68 bytes take the code points from U+0100 on.</summary>
internal static class ByteLevelSymbols
{
    /// <summary>The 256 symbols, in the order CLIP lists them in its vocabulary.</summary>
    public static IReadOnlyList<string> All { get; } = Build();

    private static string[] Build()
    {
        var bytes = new List<int>();
        bytes.AddRange(Enumerable.Range('!', '~' - '!' + 1));
        bytes.AddRange(Enumerable.Range(0xA1, 0xAC - 0xA1 + 1));
        bytes.AddRange(Enumerable.Range(0xAE, 0xFF - 0xAE + 1));
        var symbols = bytes.Select(b => ((char)b).ToString()).ToList();
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!bytes.Contains(b))
            {
                symbols.Add(((char)(256 + next)).ToString());
                next++;
            }
        }

        return [.. symbols];
    }
}
