using System.Text;

namespace Dvar.Stopping.IO;

/// <summary>Writes files atomically: a temporary file in the same folder, flushed to disk, then moved over the target.
/// Readers see the old file or the complete new one, never a half-written one.</summary>
/// <remarks>
/// <para>Also compiled into Dvar.Stopping.TorchSharp and dvar from this file (<c>Compile Include ... Link</c> in their project files)
/// instead of being shared through <c>InternalsVisibleTo</c>: each assembly carries its own copy, so packages
/// upgraded separately cannot meet a missing internal member at run time, and the helper stays out of the public API.</para>
/// </remarks>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the bytes produced by <paramref name="write"/> to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content; if it throws, the target is untouched and the temporary file is deleted.</param>
    /// <param name="createFolder">Whether to create the folder of <paramref name="path"/> when it does not exist.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist and <paramref name="createFolder"/> is false.</exception>
    public static void Write(string path, Action<Stream> write, bool createFolder = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath) ?? fullPath;
        if (createFolder)
        {
            Directory.CreateDirectory(folder);
        }
        else if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{folder}' does not exist.");
        }

        var temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes the UTF-8 text (no BOM) produced by <paramref name="write"/> to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content; if it throws, the target is untouched and the temporary file is deleted.</param>
    /// <param name="createFolder">Whether to create the folder of <paramref name="path"/> when it does not exist.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist and <paramref name="createFolder"/> is false.</exception>
    public static void WriteAllText(string path, Action<TextWriter> write, bool createFolder = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(
            path,
            stream =>
            {
                using var writer = new StreamWriter(stream, Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true);
                write(writer);
                writer.Flush();
            },
            createFolder);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more than a leftover temporary file.
        }
    }
}
