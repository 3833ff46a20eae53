using Dvar.Cli.Input;

namespace Dvar.Cli.Ownership;

/// <summary>Creates output folders and turns the file system's failures into <c>dvar</c>'s input-data errors (exit code 3)
/// that name the option and the path.</summary>
internal static class OutputPath
{
    /// <summary>Creates a folder (and its parents) if it does not exist.</summary>
    /// <param name="option">The option that named it, e.g. <c>--out</c>.</param>
    /// <param name="given">The path as given, for the message.</param>
    /// <param name="folder">The full path.</param>
    /// <returns>Whether the folder was created now.</returns>
    /// <exception cref="InputDataException">The folder cannot be created: a part of the path is a file, or permission is
    /// denied, or the file system refuses.</exception>
    public static bool CreateFolder(string option, string given, string folder)
    {
        if (Directory.Exists(folder))
        {
            return false;
        }

        if (File.Exists(folder))
        {
            throw new InputDataException(Same(given, folder)
                ? $"{option} '{given}' is a file; it must be a folder (created if missing)."
                : $"{option} '{given}': '{folder}' is a file; it must be a folder (created if missing).");
        }

        try
        {
            Directory.CreateDirectory(folder);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotCreate(option, given, folder, e);
        }
    }

    /// <summary>The error for a folder that exists but cannot be written (a failed <see cref="WriteProbe"/> or lock file).</summary>
    /// <param name="option">The option.</param>
    /// <param name="given">The path as given.</param>
    /// <param name="what">What cannot be written, e.g. the folder itself or its <c>checkpoints/</c>.</param>
    /// <param name="e">The file system's error.</param>
    /// <returns>The exception to throw.</returns>
    public static InputDataException CannotWrite(string option, string given, string what, Exception e) =>
        new($"{option} '{given}': {what} cannot be written ({Reason(e)}); choose a folder you can write to.", innerException: e);

    private static InputDataException CannotCreate(string option, string given, string folder, Exception e)
    {
        // The nearest existing ancestor says why: a file in the way, or a folder that refuses new entries.
        string? ancestor = Path.GetDirectoryName(folder);
        while (ancestor is not null && !Directory.Exists(ancestor) && !File.Exists(ancestor))
        {
            ancestor = Path.GetDirectoryName(ancestor);
        }

        string why = ancestor is not null && File.Exists(ancestor)
            ? $"'{ancestor}' is a file, not a folder"
            : Reason(e);
        return new InputDataException(
            Same(given, folder) ? $"{option} '{given}': the folder cannot be created ({why})." : $"{option} '{given}': the folder '{folder}' cannot be created ({why}).",
            innerException: e);
    }

    private static bool Same(string given, string folder) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(given)), Path.TrimEndingDirectorySeparator(folder), StringComparison.Ordinal);

    private static string Reason(Exception e)
    {
        string message = e.Message.TrimEnd().TrimEnd('.');
        return e is UnauthorizedAccessException ? $"permission denied: {message}" : message;
    }
}
