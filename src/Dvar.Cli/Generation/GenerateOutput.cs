using Dvar.Cli.Input;
using Dvar.Cli.Ownership;

namespace Dvar.Cli.Generation;

/// <summary>The PNG files of a <c>dvar generate</c> run, owned by it while it runs: a lock beside <c>--out</c> keeps a second
/// run with the same <c>--out</c> away, existing images are refused unless <c>--overwrite</c>, and the folder is created and
/// checked to be writable before the model loads.</summary>
/// <remarks><c>generate</c> owns files, not their folder (images of several runs often share one): the lock file is
/// <c>.NAME.png.dvar.lock</c> beside <c>--out</c> and is deleted when the command ends. With <c>--overwrite</c> each image
/// is replaced, atomically, when it is written at the end; nothing is deleted before, and files the run does not write (a
/// <c>FILE-3.png</c> of an earlier <c>--count 3</c>) stay.</remarks>
internal sealed class GenerateOutput : IDisposable
{
    private readonly OutputLock _lock;
    private readonly string _folder;
    private readonly bool _created;

    private GenerateOutput(OutputLock held, string folder, bool created)
    {
        _lock = held;
        _folder = folder;
        _created = created;
    }

    /// <summary>Takes the images' lock.</summary>
    /// <param name="given"><c>--out</c> as given.</param>
    /// <param name="paths">The full paths of the images the run writes.</param>
    /// <param name="overwrite">Whether existing images may be replaced.</param>
    /// <returns>The owned output; dispose it when the command ends.</returns>
    /// <exception cref="InputDataException">The folder cannot be created or written, another run writes the same
    /// <c>--out</c>, an image exists and <paramref name="overwrite"/> is false, or an image's path is a folder.</exception>
    public static GenerateOutput Claim(string given, IReadOnlyList<string> paths, bool overwrite)
    {
        string folder = Path.GetDirectoryName(paths[0])!;
        bool created = OutputPath.CreateFolder("--out", given, folder);
        string name = Path.GetFileName(Path.GetFullPath(given));
        OutputLock? held;
        LockOwner? holder;
        try
        {
            held = OutputLock.TryAcquire(
                Path.Combine(folder, $".{name}.dvar.lock"), Path.Combine(folder, $".{name}.dvar.owner"), "dvar generate", deleteOnRelease: true, out holder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveIfEmpty(folder, created);
            throw OutputPath.CannotWrite("--out", given, $"its folder '{folder}'", e);
        }

        if (held is null)
        {
            string who = holder?.Describe() ?? "its lock file is held";
            throw new InputDataException($"--out '{given}' is being written by another dvar run ({who}); wait for it to end or choose another file.");
        }

        var output = new GenerateOutput(held, folder, created);
        try
        {
            Check(given, paths, overwrite);
            WriteProbe.Check(folder);
            return output;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.Dispose();
            throw OutputPath.CannotWrite("--out", given, $"its folder '{folder}'", e);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock (deleting the lock file) and removes the folder again if this run created it and wrote
    /// nothing into it (it failed or was cancelled).</summary>
    public void Dispose()
    {
        _lock.Dispose();
        RemoveIfEmpty(_folder, _created);
    }

    private static void Check(string given, IReadOnlyList<string> paths, bool overwrite)
    {
        if (paths.FirstOrDefault(Directory.Exists) is { } folder)
        {
            throw new InputDataException($"--out '{given}': '{folder}' is a folder; it must be a .png file.");
        }

        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count > 0 && !overwrite)
        {
            string which = existing.Count == 1 ? $"'{existing[0]}' exists" : $"{existing.Count} of its images exist ('{existing[0]}', ...)";
            throw new InputDataException($"--out '{given}': {which}; give --overwrite to replace it, or choose another file. Nothing was changed.");
        }
    }

    private static void RemoveIfEmpty(string folder, bool created)
    {
        if (!created)
        {
            return;
        }

        try
        {
            Directory.Delete(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not empty (the images were written, or someone else wrote there): keep it.
        }
    }
}
