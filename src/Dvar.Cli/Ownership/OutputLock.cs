using Dvar.Stopping.IO;

namespace Dvar.Cli.Ownership;

/// <summary>An exclusive operating-system lock on a lock file, held until disposed, with a small owner file beside it that
/// names the holder.</summary>
/// <remarks>
/// <para>The lock is the lock file opened with <see cref="FileShare.None"/>: a share-mode lock on Windows, <c>flock</c>
/// (<c>LOCK_EX</c>) on Linux and macOS. The operating system releases it when the process ends in any way (Ctrl+C, a
/// kill, a crash), so a dead run never blocks a folder. A second open of the file, by another process or by this one,
/// fails at once: nobody waits for a lock. (On Unix the lock is advisory: it excludes other <c>dvar</c> runs, not other
/// programs; <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns it off.)</para>
/// <para>A held lock file cannot be read either (the same lock applies to reads), so the holder writes who it is into the
/// owner file, which another run reads to name it in its error.</para>
/// </remarks>
internal sealed class OutputLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly bool _deleteOnRelease;
    private bool _released;

    private OutputLock(FileStream stream, string lockFile, string ownerFile, bool deleteOnRelease)
    {
        _stream = stream;
        LockFile = lockFile;
        OwnerFile = ownerFile;
        _deleteOnRelease = deleteOnRelease;
    }

    /// <summary>The lock file.</summary>
    public string LockFile { get; }

    /// <summary>The owner file beside it.</summary>
    public string OwnerFile { get; }

    /// <summary>Takes the lock, or reports who holds it.</summary>
    /// <param name="lockFile">The lock file (created if missing; its folder must exist).</param>
    /// <param name="ownerFile">The owner file to write when the lock is taken.</param>
    /// <param name="command">This run's command, for the owner file.</param>
    /// <param name="deleteOnRelease">Whether <see cref="Dispose"/> deletes the lock file (for a lock beside a file the user
    /// names, which must leave nothing behind); otherwise the lock file stays for the next run.</param>
    /// <param name="holder">When the lock is taken by another run: who, if its owner file says; otherwise null.</param>
    /// <returns>The lock, or null when another run holds it.</returns>
    /// <exception cref="UnauthorizedAccessException">The lock file cannot be created or opened.</exception>
    /// <exception cref="IOException">The lock file cannot be created or opened for another reason.</exception>
    public static OutputLock? TryAcquire(string lockFile, string ownerFile, string command, bool deleteOnRelease, out LockOwner? holder)
    {
        holder = null;
        FileStream stream;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException e) when (IsHeldElsewhere(e))
            {
                holder = LockOwner.TryRead(ownerFile);
                return null;
            }

            // A holder that deletes the lock file releases it right after; a run that opened the file just before the
            // deletion would hold a lock nobody else sees. Such a lock is dropped and the file opened again.
            if (File.Exists(lockFile) || attempt == 3)
            {
                break;
            }

            stream.Dispose();
        }

        var acquired = new OutputLock(stream, lockFile, ownerFile, deleteOnRelease);
        try
        {
            AtomicFile.WriteAllText(ownerFile, writer => writer.Write(LockOwner.Current(command).ToJson()));
        }
        catch
        {
            acquired.Dispose();
            throw;
        }

        return acquired;
    }

    /// <summary>Releases the lock: deletes the owner file (and the lock file if the lock was taken so), then closes the
    /// lock file.</summary>
    public void Dispose() => Release(_deleteOnRelease);

    /// <summary>Releases the lock: deletes the owner file, closes the lock file, and deletes it when asked. On Unix the lock
    /// file is deleted while still held (so that no run can lock the file being deleted and miss the new one); Windows
    /// cannot delete a file this run holds open, and refuses to delete one another run has opened since, so there it is
    /// deleted after closing. Later calls do nothing.</summary>
    /// <param name="deleteLockFile">Whether to delete the lock file.</param>
    public void Release(bool deleteLockFile)
    {
        if (_released)
        {
            return;
        }

        _released = true;
        TryDelete(OwnerFile);
        if (deleteLockFile && !OperatingSystem.IsWindows())
        {
            TryDelete(LockFile);
        }

        _stream.Dispose();
        if (deleteLockFile && OperatingSystem.IsWindows())
        {
            TryDelete(LockFile);
        }
    }

    /// <summary>Whether opening the lock file failed because another open handle holds it: EWOULDBLOCK from <c>flock</c>
    /// (errno 11 on Linux, 35 on macOS), or a sharing or lock violation on Windows.</summary>
    private static bool IsHeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException)
        && (OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 32 or 33 : e.HResult is 11 or 35);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover owner or lock file is harmless: the next run takes the lock and rewrites the owner.
        }
    }
}
