using Dvar.Cli.Input;

namespace Dvar.Cli.Ownership;

/// <summary>An output folder owned by this run: created if missing, locked against every other <c>dvar</c> run until
/// disposed, and checked to be writable. <c>train</c> and <c>demo</c> own their <c>--out</c> folder this way.</summary>
/// <remarks>The lock file <c>.dvar.lock</c> stays in the folder after a run that used it (a lock file is deleted only
/// while locked, and as rarely as possible: a run that opened it just before could otherwise hold a lock on a deleted
/// file); the owner file <c>.dvar.owner</c> exists only while the run holds the lock. A run that is refused
/// (<see cref="Abandon"/>) removes the lock file it created, and a folder this run created is removed again when the run
/// leaves nothing else in it (a run that failed before writing anything).</remarks>
internal sealed class OwnedFolder : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = ".dvar.lock";

    /// <summary>The owner file's name.</summary>
    public const string OwnerFileName = ".dvar.owner";

    private readonly OutputLock _lock;
    private readonly bool _created;
    private readonly bool _lockCreated;

    private OwnedFolder(string option, string given, string path, OutputLock held, bool created, bool lockCreated)
    {
        Option = option;
        Given = given;
        Path = path;
        _lock = held;
        _created = created;
        _lockCreated = lockCreated;
    }

    /// <summary>The option that named the folder, e.g. <c>--out</c>.</summary>
    public string Option { get; }

    /// <summary>The folder as given.</summary>
    public string Given { get; }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Creates the folder if needed, takes its lock and checks that a file can be created in it.</summary>
    /// <param name="option">The option that named it, e.g. <c>--out</c>.</param>
    /// <param name="given">The folder as given.</param>
    /// <param name="command">This run's command, e.g. <c>dvar demo</c>, recorded for a run that finds the folder taken.</param>
    /// <returns>The owned folder; dispose it when the command ends.</returns>
    /// <exception cref="InputDataException">The folder is a file, cannot be created or written, or another run holds it
    /// (the message names that process when it can).</exception>
    public static OwnedFolder Claim(string option, string given, string command)
    {
        string path = System.IO.Path.GetFullPath(given);
        bool created = OutputPath.CreateFolder(option, given, path);
        bool lockCreated = !File.Exists(System.IO.Path.Combine(path, LockFileName));
        OutputLock? held;
        LockOwner? holder;
        try
        {
            held = OutputLock.TryAcquire(
                System.IO.Path.Combine(path, LockFileName), System.IO.Path.Combine(path, OwnerFileName), command, deleteOnRelease: false, out holder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveIfCreatedAndEmpty(path, created);
            throw OutputPath.CannotWrite(option, given, "the folder", e);
        }

        if (held is null)
        {
            string who = holder is not null ? holder.Describe() : $"its lock file {System.IO.Path.Combine(path, LockFileName)} is held";
            throw new InputDataException(
                $"{option} '{given}' is in use by another dvar run ({who}); wait for it to end or choose another folder. Nothing was changed.");
        }

        var folder = new OwnedFolder(option, given, path, held, created, lockCreated);
        try
        {
            folder.Probe(path, "the folder");
            return folder;
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    /// <summary>Checks that a sub-folder this run writes can be written: an existing one is probed; a missing one is
    /// created, probed and removed again.</summary>
    /// <param name="name">The sub-folder's name, e.g. <c>checkpoints</c>.</param>
    /// <exception cref="InputDataException">It is a file, or cannot be created or written.</exception>
    public void ProbeSubfolder(string name)
    {
        string sub = System.IO.Path.Combine(Path, name);
        if (File.Exists(sub))
        {
            throw new InputDataException($"{Option} '{Given}': '{sub}' is a file; the run writes a folder of that name there.");
        }

        bool created = !Directory.Exists(sub);
        try
        {
            Directory.CreateDirectory(sub);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OutputPath.CannotWrite(Option, Given, $"its {name}/ folder", e);
        }

        try
        {
            Probe(sub, $"its {name}/ folder");
        }
        finally
        {
            if (created)
            {
                TryDeleteEmptyFolder(sub);
            }
        }
    }

    /// <summary>Checks that none of the files the run writes at the folder's top level is in the way as a folder.</summary>
    /// <param name="fileNames">The names of the files.</param>
    /// <exception cref="InputDataException">A folder has one of these names.</exception>
    public void CheckFilesAreNotFolders(IEnumerable<string> fileNames)
    {
        foreach (string name in fileNames)
        {
            string file = System.IO.Path.Combine(Path, name);
            if (Directory.Exists(file))
            {
                throw new InputDataException($"{Option} '{Given}': '{file}' is a folder; the run writes a file of that name there.");
            }
        }
    }

    /// <summary>Releases the folder of a run refused before it wrote anything (the folder holds another run, or cannot be
    /// written): the lock file goes too if this run created it, so a refused run leaves the folder as it found it.</summary>
    public void Abandon()
    {
        if (_created || !_lockCreated)
        {
            Dispose();
            return;
        }

        _lock.Release(deleteLockFile: true);
    }

    /// <summary>Releases the lock; removes the folder again if this run created it and left nothing in it.</summary>
    public void Dispose()
    {
        bool remove = _created
            && Directory.Exists(Path)
            && Directory.EnumerateFileSystemEntries(Path).All(e => System.IO.Path.GetFileName(e) is LockFileName or OwnerFileName);
        _lock.Release(deleteLockFile: remove);
        if (remove)
        {
            TryDeleteEmptyFolder(Path);
        }
    }

    private static void RemoveIfCreatedAndEmpty(string path, bool created)
    {
        if (created)
        {
            TryDeleteEmptyFolder(path);
        }
    }

    private static void TryDeleteEmptyFolder(string path)
    {
        try
        {
            Directory.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not empty (another run wrote into it) or not ours to remove: leave it.
        }
    }

    private void Probe(string folder, string what)
    {
        try
        {
            WriteProbe.Check(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OutputPath.CannotWrite(Option, Given, what, e);
        }
    }
}
