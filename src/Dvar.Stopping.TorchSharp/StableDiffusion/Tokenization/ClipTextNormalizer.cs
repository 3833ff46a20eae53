using System.Globalization;
using System.Text;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

/// <summary>CLIP's text clean-up before the pre-tokenizer: Unicode NFC, whitespace runs to one space, trim, lower case.</summary>
/// <remarks>CLIP runs <c>ftfy.fix_text</c> first; we apply only its final step, NFC. Not done: mojibake repair, HTML
/// entity unescaping, curly-quote straightening (<c>’</c> stays a symbol of its own instead of becoming <c>'</c>),
/// ligature and full-width folding, control-character removal. Python's <c>str.lower()</c> and .NET's invariant lower
/// case differ for a few context-dependent letters (final sigma, dotted capital I).</remarks>
internal static class ClipTextNormalizer
{
    /// <summary>Returns the normalised form of <paramref name="text"/>.</summary>
    /// <param name="text">Raw prompt text.</param>
    /// <returns>NFC text with every whitespace run replaced by one space, trimmed and lower-cased.</returns>
    public static string Normalize(string text)
    {
        var nfc = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(nfc.Length);
        var pendingSpace = false;
        foreach (var c in nfc)
        {
            if (IsPythonWhitespace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString().ToLower(CultureInfo.InvariantCulture);
    }

    /// <summary>Python's <c>str.isspace()</c>: .NET's white space plus the separators U+001C..U+001F.</summary>
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';
}
