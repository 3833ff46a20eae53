namespace Dvar.Testing;

/// <summary>A fresh folder under the system temporary folder, deleted with its content on dispose (best effort: a leftover
/// temporary folder must not fail a test).</summary>
public sealed class TemporaryFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    /// <param name="prefix">The start of its name.</param>
    public TemporaryFolder(string prefix = "dvar-tests-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder (not created).</summary>
    /// <param name="parts">The path's parts below the folder.</param>
    /// <returns>The combined path.</returns>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Deletes the folder and its content.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
