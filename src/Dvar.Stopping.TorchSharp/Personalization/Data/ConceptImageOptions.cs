using Dvar.Stopping.TorchSharp.Personalization.Methods;
namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>How <see cref="ConceptImages.Load"/> turns a folder of photos into training images.</summary>
/// <remarks>
/// The defaults follow diffusers' Textual Inversion example: 512 x 512, no centre crop (a non-square photo is squashed to a
/// square), bicubic resampling. Immutable; <see cref="ConceptImages.Load"/> validates it before reading any file.
/// </remarks>
public sealed record ConceptImageOptions
{
    /// <summary>The side of the square training images, in pixels.</summary>
    /// <value>A positive multiple of 8 (the VAE downsamples by 8). Default 512 (Stable Diffusion v1.5).</value>
    public int Resolution { get; init; } = 512;

    /// <summary>Whether to cut the largest centred square out of each image before resizing.</summary>
    /// <value>
    /// Default <see langword="false"/>, as diffusers' Textual Inversion example: the whole image is resized to a square, so a
    /// non-square photo is distorted. With <see langword="true"/> the crop starts at <c>floor((W - S) / 2)</c>,
    /// <c>floor((H - S) / 2)</c> with <c>S = min(W, H)</c>, as in that example.
    /// </value>
    public bool CenterCrop { get; init; }

    /// <summary>Whether to keep each decoded original (upright, RGB, before any crop or resize) next to its square.</summary>
    /// <value>
    /// Default <see langword="false"/>. Needed by augmentations that resample the photo itself at every step (Custom Diffusion's
    /// random rescaling, <see cref="PersonalizationDefaults.RescaleAugmentation"/>). Costs <c>3 · H · W</c> bytes per image
    /// on top of the squares (36 MB for a 12-megapixel photo, 3 MB for a 1024 x 1024 one), kept until the images are disposed.
    /// </value>
    public bool KeepOriginals { get; init; }

    /// <summary>The smallest accepted shorter side of an image, in pixels; smaller images are rejected, not upscaled.</summary>
    /// <value>At least 1. Default 32: below that an image carries too little detail to learn a concept from.</value>
    public int MinimumSize { get; init; } = DefaultMinimumSize;

    /// <summary>The default of <see cref="MinimumSize"/>.</summary>
    public const int DefaultMinimumSize = 32;

    /// <summary>The file extensions read as images (compared case-insensitively); other files in the folder are ignored.</summary>
    /// <value><c>.jpg</c>, <c>.jpeg</c>, <c>.png</c> and <c>.webp</c>.</value>
    public static IReadOnlyList<string> FileExtensions { get; } = Array.AsReadOnly([".jpg", ".jpeg", ".png", ".webp"]);

    /// <summary>Whether <see cref="ConceptImages.Load"/> reads a file of this name: it ends in one of <see cref="FileExtensions"/>,
    /// ignoring case, and is not hidden (a name starting with '.', e.g. macOS <c>._photo.jpg</c> resource forks).</summary>
    /// <param name="fileName">A file name (a path's last component is used).</param>
    /// <returns>Whether the file counts as one of a folder's images.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fileName"/> is null.</exception>
    public static bool IsImageFile(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string name = Path.GetFileName(fileName);
        string extension = Path.GetExtension(name);
        return !name.StartsWith('.') && FileExtensions.Any(e => string.Equals(e, extension, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Rejects out-of-range values, naming the property, the allowed range and the value found.</summary>
    internal void Validate()
    {
        if (Resolution <= 0 || Resolution % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Resolution), Resolution, $"{nameof(Resolution)} must be a positive multiple of 8; got {Resolution}.");
        }

        if (MinimumSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumSize), MinimumSize, $"{nameof(MinimumSize)} must be at least 1; got {MinimumSize}.");
        }
    }
}
