using Dvar.Cli.Input;
using Dvar.Cli.Ownership;

namespace Dvar.Cli.Evaluation;

/// <summary>The <c>--out</c> folder of <c>dvar evaluate</c>: owned by the command until it ends (<see cref="OwnedFolder"/>),
/// refused when it holds an earlier evaluation or run unless <c>--overwrite</c>.</summary>
/// <remarks>The evaluation writes <see cref="TableFile"/>, <see cref="JsonFile"/> and one folder per row with its samples and
/// <c>grid.png</c>; with <c>--overwrite</c> each file is replaced when written, and other files are left as they are.</remarks>
internal sealed class EvaluationOutputFolder : IDisposable
{
    /// <summary>The Markdown table.</summary>
    public const string TableFile = "evaluation.md";

    /// <summary>The scores as JSON.</summary>
    public const string JsonFile = "evaluation.json";

    private readonly OwnedFolder _folder;

    private EvaluationOutputFolder(OwnedFolder folder) => _folder = folder;

    /// <summary>Gets the folder's full path.</summary>
    public string Path => _folder.Path;

    /// <summary>Takes the folder.</summary>
    /// <param name="given"><c>--out</c> as given.</param>
    /// <param name="overwrite">Whether an earlier evaluation or run there may be replaced.</param>
    /// <returns>The folder; dispose it when the command ends.</returns>
    /// <exception cref="InputDataException">The folder cannot be created or written, another run holds it, or it holds
    /// earlier results and <paramref name="overwrite"/> is false.</exception>
    public static EvaluationOutputFolder Claim(string given, bool overwrite)
    {
        var folder = OwnedFolder.Claim("--out", given, "dvar evaluate");
        try
        {
            var found = EarlierResults.Find(folder.Path);
            found.AddRange(new[] { TableFile, JsonFile }.Where(f => File.Exists(System.IO.Path.Combine(folder.Path, f))));
            if (found.Count > 0 && !overwrite)
            {
                throw new InputDataException(
                    $"--out '{given}' holds earlier results ({EarlierResults.Describe(found)}); replace them with --overwrite, or choose another folder. Nothing was changed.");
            }

            return new EvaluationOutputFolder(folder);
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _folder.Dispose();
}
