using Dvar.Cli.Input;
using Dvar.Cli.Ownership;

namespace Dvar.Cli.Demo;

/// <summary>The <c>--out</c> folder of <c>dvar demo</c>: owned by the demo (<see cref="OwnedFolder"/>) until the command
/// ends, refused when it holds an earlier demo unless <c>--overwrite</c>, and checked to be writable before the first job.</summary>
/// <remarks>A folder holds an earlier run when it has <c>summary.json</c>, <c>summary.md</c>,
/// <c>train-loss-overlay.png</c>, <c>runs/</c> or <c>concepts/</c> (also those of a cancelled demo), or the results of a
/// <c>dvar train</c> run (<see cref="EarlierResults"/>). With
/// <c>--overwrite</c> the new demo replaces each file when it writes it; once it has completed,
/// <see cref="DeleteLeftovers"/> deletes what the earlier demo left that the new one did not write again (the
/// <c>runs/</c> and <c>concepts/</c> of other methods or concepts, checkpoints of cancelled runs).</remarks>
internal sealed class DemoOutputFolder : IDisposable
{
    private readonly OwnedFolder _folder;
    private readonly bool _overwrite;

    private DemoOutputFolder(OwnedFolder folder, bool overwrite)
    {
        _folder = folder;
        _overwrite = overwrite;
    }

    /// <summary>The folder's full path.</summary>
    public string Path => _folder.Path;

    /// <summary>Takes the folder for a demo.</summary>
    /// <param name="given"><c>--out</c> as given.</param>
    /// <param name="overwrite">Whether an earlier demo there may be replaced.</param>
    /// <returns>The folder; dispose it when the command ends.</returns>
    /// <exception cref="InputDataException">The folder cannot be created or written, another run holds it, or it holds an
    /// earlier demo and <paramref name="overwrite"/> is false.</exception>
    public static DemoOutputFolder Claim(string given, bool overwrite)
    {
        var folder = OwnedFolder.Claim("--out", given, "dvar demo");
        try
        {
            var found = EarlierResults.Find(folder.Path);
            if (found.Count > 0 && !overwrite)
            {
                throw new InputDataException(
                    $"--out '{given}' holds an earlier run ({EarlierResults.Describe(found)}); replace it with --overwrite, or choose another folder. Nothing was changed.");
            }

            return new DemoOutputFolder(folder, overwrite);
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    /// <summary>After a completed <c>--overwrite</c> demo: deletes the earlier demo's method, concept and checkpoint folders
    /// that the new demo did not write. A folder that cannot be deleted gets a warning on standard error.</summary>
    /// <param name="methods">The new demo's method folder names.</param>
    /// <param name="concepts">The new demo's concept names.</param>
    /// <param name="error">Standard error.</param>
    public void DeleteLeftovers(IReadOnlyCollection<string> methods, IReadOnlyCollection<string> concepts, TextWriter error)
    {
        if (!_overwrite)
        {
            return;
        }

        var stale = new List<string>();
        string runs = System.IO.Path.Combine(Path, "runs");
        foreach (string method in Folders(runs))
        {
            if (!methods.Contains(System.IO.Path.GetFileName(method)))
            {
                stale.Add(method);
                continue;
            }

            foreach (string concept in Folders(method))
            {
                if (!concepts.Contains(System.IO.Path.GetFileName(concept)))
                {
                    stale.Add(concept);
                    continue;
                }

                // The demo never resumes, and a completed one writes no checkpoint: these are a cancelled demo's.
                stale.AddRange(Folders(concept).Select(run => System.IO.Path.Combine(run, "checkpoints")).Where(Directory.Exists));
            }
        }

        stale.AddRange(Folders(System.IO.Path.Combine(Path, "concepts")).Where(c => !concepts.Contains(System.IO.Path.GetFileName(c))));
        foreach (string folder in stale)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"dvar demo: warning: {folder}, left by the earlier demo in --out, could not be deleted ({e.Message})");
            }
        }
    }

    /// <summary>Releases the folder.</summary>
    public void Dispose() => _folder.Dispose();

    private static IEnumerable<string> Folders(string folder) =>
        Directory.Exists(folder) ? Directory.GetDirectories(folder) : [];
}
