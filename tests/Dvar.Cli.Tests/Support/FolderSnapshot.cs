using System.Security.Cryptography;

namespace Dvar.Cli.Tests.Support;

/// <summary>Every file under a folder (hidden ones included) with a hash of its bytes: two snapshots are equal when no
/// file was added, removed or changed. A file locked by a running <c>dvar</c> (its <c>.dvar.lock</c>, which the lock
/// makes unreadable) is listed as locked.</summary>
internal static class FolderSnapshot
{
    public static SortedDictionary<string, string> Of(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return files;
        }

        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string hash;
            try
            {
                hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
            }
            catch (IOException) when (Path.GetFileName(file) == ".dvar.lock")
            {
                hash = "locked";
            }

            files[Path.GetRelativePath(folder, file)] = hash;
        }

        return files;
    }

    /// <summary>The files and folders under a folder, relative, sorted (hidden ones included).</summary>
    public static string[] Entries(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(folder, p))
            .Order(StringComparer.Ordinal)];
}
