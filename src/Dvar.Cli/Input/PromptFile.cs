namespace Dvar.Cli.Input;

/// <summary>Reads a file of prompt templates: one per line, <c>{}</c> where the concept goes; blank lines and lines starting
/// with <c>#</c> are skipped.</summary>
internal static class PromptFile
{
    /// <summary>Reads the templates.</summary>
    /// <param name="option">The option that named the file, for messages.</param>
    /// <param name="file">The file.</param>
    /// <returns>The templates, at least one.</returns>
    /// <exception cref="InputDataException">The file cannot be read, holds no template, or a template has no <c>{}</c>.</exception>
    public static IReadOnlyList<string> Read(string option, string file)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{option} '{file}' cannot be read: {e.Message}", innerException: e);
        }

        var templates = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (templates.Count == 0)
        {
            throw new InputDataException($"{option} '{file}' holds no prompt; write one per line, with {{}} where the concept goes.");
        }

        int bad = templates.FindIndex(l => !l.Contains("{}", StringComparison.Ordinal));
        if (bad >= 0)
        {
            throw new InputDataException($"{option} '{file}': every prompt needs {{}} where the concept goes; '{templates[bad]}' has none.");
        }

        return templates;
    }
}
