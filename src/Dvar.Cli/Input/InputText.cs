using System.Buffers;
using System.Globalization;
using System.Text;

namespace Dvar.Cli.Input;

/// <summary>How input text is shown in messages, and what makes input "not text": the text is shortened and every
/// control character is escaped, so a message never carries raw bytes of a binary file to the terminal.</summary>
internal static class InputText
{
    /// <summary>The most characters of a line or cell a message shows.</summary>
    public const int MaxQuotedLength = 60;

    // Every control character except the tab, which CSV files use as white space: C0, DEL and C1. Line feeds and
    // carriage returns never reach a line (they end it), but a quoted cell that spans lines holds them.
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c != '\t' && c != '\n' && c != '\r').Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)]);

    /// <summary>The index of the first control character other than tab, line feed and carriage return, or −1.</summary>
    /// <param name="text">A line or record.</param>
    /// <returns>The index, or −1 when the text holds none.</returns>
    public static int IndexOfControl(ReadOnlySpan<char> text) => text.IndexOfAny(ControlCharacters);

    /// <summary>The text as a message shows it: at most <see cref="MaxQuotedLength"/> characters (then <c>...</c>), with
    /// control characters (line breaks included) written as <c>\xNN</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The printable form.</returns>
    public static string Quote(ReadOnlySpan<char> text)
    {
        var shown = text.Length <= MaxQuotedLength ? text : text[..MaxQuotedLength];
        var builder = new StringBuilder(shown.Length + 3);
        foreach (var c in shown)
        {
            if (char.IsControl(c) && c != '\t')
            {
                builder.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return text.Length <= MaxQuotedLength ? builder.ToString() : builder.Append("...").ToString();
    }
}
