namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>Lists the image files of a concept folder in a deterministic order.</summary>
internal static class ImageFolder
{
    private const int ListedOthers = 5;

    /// <summary>
    /// The full paths of the top-level files of <paramref name="folder"/> whose extension is one of
    /// <see cref="ConceptImageOptions.FileExtensions"/> and that are not hidden (<see cref="ConceptImageOptions.IsImageFile"/>),
    /// sorted by file name in ordinal order. Sub-folders and other files are ignored.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no image file; the message lists what it holds.</exception>
    public static string[] List(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Concept image folder not found: {folder}");
        }

        var names = Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>().ToArray();
        var images = names.Where(ConceptImageOptions.IsImageFile).ToArray();
        if (images.Length == 0)
        {
            throw new InvalidDataException(NoImagesMessage(folder, names));
        }

        Array.Sort(images, StringComparer.Ordinal);
        return [.. images.Select(n => Path.Combine(folder, n))];
    }

    private static string NoImagesMessage(string folder, string[] names)
    {
        string accepted = string.Join(", ", ConceptImageOptions.FileExtensions);
        string found = names.Length == 0
            ? "it holds no files"
            : $"it holds {names.Length} other file(s): {string.Join(", ", names.Order(StringComparer.Ordinal).Take(ListedOthers))}"
              + (names.Length > ListedOthers ? ", ..." : string.Empty);
        return $"No image files in {folder}: expected files ending in {accepted} (any case, hidden files skipped, sub-folders not searched); {found}.";
    }
}
