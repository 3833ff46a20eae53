namespace Dvar.Cli.Ownership;

/// <summary>Checks that a folder can be written by creating and deleting a hidden probe file in it, so that a command
/// fails before its work and not when it saves the results.</summary>
internal static class WriteProbe
{
    /// <summary>Creates, writes and deletes <c>.dvar-probe-GUID.tmp</c> in the folder.</summary>
    /// <param name="folder">An existing folder.</param>
    /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
    /// <exception cref="IOException">The folder cannot be written for another reason (read-only file system, ...).</exception>
    public static void Check(string folder)
    {
        string probe = Path.Combine(folder, $".dvar-probe-{Guid.NewGuid():N}.tmp");
        using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.WriteByte(0);
        }

        File.Delete(probe);
    }
}
