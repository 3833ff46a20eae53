namespace Dvar.Cli.Input;

/// <summary>Loads a file or folder that a command-line option names, turning the library's exceptions into the command's
/// errors: unreadable or damaged input is an input error (exit 3), a bad argument or state a usage error (exit 2), each
/// naming the option and the path.</summary>
internal static class OptionFile
{
    /// <summary>Runs <paramref name="load"/>.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="option">The option, e.g. <c>--lora</c>.</param>
    /// <param name="path">The path it gave.</param>
    /// <param name="load">The library call that reads it.</param>
    /// <returns>What <paramref name="load"/> returns.</returns>
    /// <exception cref="InputDataException">The file is missing, unreadable, damaged or unsupported.</exception>
    /// <exception cref="UsageException">The file does not fit the model or the command's other options.</exception>
    public static T Load<T>(string option, string path, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{option} '{path}' does not load: {e.Message}", innerException: e);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option} '{path}': {ArgumentMessages.Describe(e)}");
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"{option} '{path}': {e.Message}");
        }
    }
}
