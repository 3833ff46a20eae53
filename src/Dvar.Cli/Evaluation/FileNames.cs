using System.Text;

namespace Dvar.Cli.Evaluation;

/// <summary>File names made from prompts and run names: safe on every file system, short, readable.</summary>
internal static class FileNames
{
    /// <summary>The longest slug kept.</summary>
    private const int MaxSlug = 48;

    /// <summary>Lowercase letters and digits of <paramref name="text"/>, other runs of characters as one '-', at most 48 characters.</summary>
    /// <param name="text">A prompt.</param>
    /// <returns>The slug; "prompt" when nothing is left.</returns>
    public static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (char c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length >= MaxSlug)
            {
                break;
            }
        }

        string result = slug.ToString().Trim('-');
        return result.Length == 0 ? "prompt" : result;
    }

    /// <summary>A run or artifact name as a folder name: <see cref="Slug"/> of it.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The folder name.</returns>
    public static string Safe(string name) => Slug(name);
}
