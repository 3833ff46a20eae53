using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

/// <summary>GPT-2's reversible byte-to-character table, which CLIP's BPE symbols are written in.</summary>
/// <remarks>The printable bytes <c>'!'..'~'</c>, <c>'¡'..'¬'</c> and <c>'®'..'ÿ'</c> stand for themselves; the other
/// 68 bytes (controls, space, ...) take the characters U+0100, U+0101, ... in byte order. <see cref="Symbols"/> lists the
/// 256 characters in the table's own order (printable bytes first), which is the order of the first 256 CLIP ids.</remarks>
internal static class ByteLevelAlphabet
{
    /// <summary>Gets the character of each byte value: <c>ByteToChar[b]</c>.</summary>
    public static ImmutableArray<char> ByteToChar { get; } = BuildByteToChar();

    /// <summary>Gets the byte each of the 256 characters stands for.</summary>
    public static FrozenDictionary<char, byte> CharToByte { get; } =
        Enumerable.Range(0, 256).ToFrozenDictionary(b => ByteToChar[b], b => (byte)b);

    /// <summary>Gets the 256 characters in table order: the printable bytes ascending, then the others ascending.</summary>
    public static ImmutableArray<string> Symbols { get; } =
        [.. Enumerable.Range(0, 256).Where(IsPrintable).Concat(Enumerable.Range(0, 256).Where(b => !IsPrintable(b)))
            .Select(b => ByteToChar[b].ToString())];

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';

    private static ImmutableArray<char> BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            table[b] = IsPrintable(b) ? (char)b : (char)next++;
        }

        return [.. table];
    }
}
