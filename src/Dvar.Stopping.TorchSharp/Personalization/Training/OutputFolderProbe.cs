namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>Checks, before the first training step, that a run can write its output folder: a run whose folder cannot be
/// written would otherwise train to the end and lose everything when it saves its artifacts.</summary>
internal static class OutputFolderProbe
{
    /// <summary>Creates the output folder if needed, then creates and deletes a hidden probe file in it and, when it
    /// exists, in its <c>checkpoints/</c> folder.</summary>
    /// <param name="outputFolder">The run's output folder.</param>
    /// <exception cref="UnauthorizedAccessException">A folder cannot be created or written; the message names it.</exception>
    /// <exception cref="IOException">A folder cannot be created or written (a read-only file system, a file in the way);
    /// the message names it.</exception>
    public static void Check(string outputFolder)
    {
        string folder = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(folder);
        Probe(folder);
        string checkpoints = Path.Combine(folder, TrainingCheckpoint.FolderName);
        if (Directory.Exists(checkpoints))
        {
            Probe(checkpoints);
        }
    }

    private static void Probe(string folder)
    {
        string probe = Path.Combine(folder, $".write-probe-{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.WriteByte(0);
                stream.Flush(flushToDisk: false);
            }

            File.Delete(probe);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"The output folder '{folder}' cannot be written: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new IOException($"The output folder '{folder}' cannot be written: {e.Message}", e);
        }
    }
}
