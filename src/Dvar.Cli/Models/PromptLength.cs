using System.Globalization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;

namespace Dvar.Cli.Models;

/// <summary>Warns about prompts longer than the text encoder reads: the tokenizer keeps the first
/// <c>ModelMaxLength − 2</c> tokens (75 for Stable Diffusion) between its start and end tokens and silently drops the
/// rest, so words past that point have no effect on the images or on training.</summary>
internal static class PromptLength
{
    /// <summary>The number of prompt tokens the text encoder reads.</summary>
    /// <param name="tokenizer">The pipeline's tokenizer.</param>
    /// <returns><see cref="ClipTokenizer.ModelMaxLength"/> less the start and end tokens.</returns>
    public static int Limit(ClipTokenizer tokenizer) => tokenizer.ModelMaxLength - 2;

    /// <summary>A one-line warning when a text is too long, or null.</summary>
    /// <param name="tokenizer">The pipeline's tokenizer (with the learned tokens added, so each counts as one).</param>
    /// <param name="what">What the text is, e.g. <c>--prompt</c>.</param>
    /// <param name="text">The text as it will be encoded.</param>
    /// <returns>The warning, without the command's prefix, or null when the text fits.</returns>
    public static string? Warning(ClipTokenizer tokenizer, string what, string text)
    {
        int count = tokenizer.EncodeWithoutSpecialTokens(text).Length;
        int limit = Limit(tokenizer);
        return count <= limit
            ? null
            : string.Create(
                CultureInfo.InvariantCulture,
                $"warning: {what} is {count} tokens; the text encoder reads the first {limit} ({tokenizer.ModelMaxLength} with its start and end tokens), so the last {count - limit} are ignored.");
    }

    /// <summary>One warning line for the training captions (the templates with the token) when some are too long, or null.</summary>
    /// <param name="tokenizer">The pipeline's tokenizer (with the learned tokens added).</param>
    /// <param name="captions">The captions as they will be encoded.</param>
    /// <returns>The warning, naming how many are too long and the longest with its count, or null when all fit.</returns>
    public static string? Warning(ClipTokenizer tokenizer, IReadOnlyList<string> captions)
    {
        if (captions.Count == 1)
        {
            return Warning(tokenizer, $"the caption '{Shown(captions[0])}'", captions[0]);
        }

        int limit = Limit(tokenizer);
        var counts = captions.Select(c => (Caption: c, Count: tokenizer.EncodeWithoutSpecialTokens(c).Length)).ToList();
        var over = counts.Where(c => c.Count > limit).ToList();
        if (over.Count == 0)
        {
            return null;
        }

        var longest = over.MaxBy(c => c.Count);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"warning: {over.Count} of {captions.Count} captions are longer than the {limit} tokens the text encoder reads ({tokenizer.ModelMaxLength} with its start and end tokens); the longest, '{Shown(longest.Caption)}', is {longest.Count} tokens. The tokens past {limit} are ignored.");
    }

    /// <summary>A caption as a message shows it: at most 80 characters, cut in the middle of a long one.</summary>
    private static string Shown(string caption) =>
        caption.Length <= 80 ? caption : $"{caption[..50]} ... {caption[^25..]}";
}
