namespace Dvar.Cli.Input;

/// <summary>Reads per-image captions of class images: <c>photo-01.jpg</c> is captioned by the first line of <c>photo-01.txt</c>
/// next to it (the convention of captioned image folders; the authors' retrieved class images carry their own captions).</summary>
internal static class ClassCaptions
{
    /// <summary>Reads the caption of every image.</summary>
    /// <param name="imageFiles">The class images' paths, in load order.</param>
    /// <returns>One caption per image, or null when no image has a caption file.</returns>
    /// <exception cref="InputDataException">Some images have a caption file and others do not (the message names the first
    /// without), a caption file cannot be read, or its first line is empty.</exception>
    public static IReadOnlyList<string>? Read(IReadOnlyList<string> imageFiles)
    {
        var captionFiles = imageFiles.Select(f => Path.ChangeExtension(f, ".txt")).ToList();
        int present = captionFiles.Count(File.Exists);
        if (present == 0)
        {
            return null;
        }

        int missing = captionFiles.FindIndex(f => !File.Exists(f));
        if (missing >= 0)
        {
            throw new InputDataException(
                $"--class-images: {present} of {imageFiles.Count} images have a caption file, but {imageFiles[missing]} has none ({Path.GetFileName(captionFiles[missing])}); caption every image, or give --class-prompt for all.");
        }

        var captions = new List<string>(captionFiles.Count);
        foreach (string file in captionFiles)
        {
            string caption;
            try
            {
                caption = (File.ReadLines(file).FirstOrDefault() ?? string.Empty).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputDataException($"--class-images: the caption file {file} cannot be read: {e.Message}", innerException: e);
            }

            if (caption.Length == 0)
            {
                throw new InputDataException($"--class-images: the caption file {file} is empty; its first line is the image's caption.");
            }

            captions.Add(caption);
        }

        return captions;
    }
}
