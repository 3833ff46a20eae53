using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>The images of one concept folder, decoded, made square and kept in memory for training.</summary>
/// <remarks>
/// <para>
/// Each image goes through the preprocessing of diffusers' Textual Inversion example: decode (JPEG, PNG or WebP), apply the
/// EXIF orientation, drop the alpha channel (as PIL's <c>convert("RGB")</c>: no compositing), optionally cut the centred
/// square (<see cref="ConceptImageOptions.CenterCrop"/>), resize to <c>R x R</c> with PIL's antialiased bicubic and round to
/// 8 bits. <see cref="Gather"/> then scales to <c>x / 127.5 - 1</c> in [-1, 1] and applies the horizontal flip. The values
/// match diffusers' <c>pixel_values</c>: in the tests against Pillow at most 0.1 % of them are one 8-bit level off, where a
/// float32 sum and Pillow's fixed-point sum round a near-half value differently.
/// </para>
/// <para>
/// The images are kept as one uint8 CPU tensor <c>[N, 3, R, R]</c>: <c>N * 3 * R * R</c> bytes (768 KiB per image at
/// R = 512, so 100 class images take 75 MiB), a quarter of float32 storage and exactly as precise, since the values are
/// 8-bit. With <see cref="ConceptImageOptions.KeepOriginals"/> the decoded originals are kept too (<c>3 · H · W</c> bytes
/// each). Dispose the instance to free it. Reading (<see cref="GetImage"/>, <see cref="Gather"/>) is thread-safe.
/// </para>
/// </remarks>
public sealed class ConceptImages : IDisposable
{
    private readonly Tensor _pixels;
    private readonly OriginalImage[]? _originals;
    private bool _disposed;

    private ConceptImages(string folder, ConceptImageOptions options, IReadOnlyList<string> files, Tensor pixels, OriginalImage[]? originals)
    {
        Folder = folder;
        Options = options;
        Files = files;
        _pixels = pixels;
        _originals = originals;
    }

    /// <summary>The folder the images were read from.</summary>
    public string Folder { get; }

    /// <summary>The options the images were prepared with.</summary>
    public ConceptImageOptions Options { get; }

    /// <summary>The full paths of the image files, in load order (ordinal order of the file names); index i is image i.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The number of images N.</summary>
    public int Count => Files.Count;

    /// <summary>The side R of every image, equal to <see cref="ConceptImageOptions.Resolution"/>.</summary>
    public int Resolution => Options.Resolution;

    /// <summary>Whether the decoded originals were kept (<see cref="ConceptImageOptions.KeepOriginals"/>).</summary>
    public bool HasOriginals => _originals is not null;

    /// <summary>Reads and prepares every image of a folder.</summary>
    /// <param name="folder">
    /// The folder. Its top-level files ending in one of <see cref="ConceptImageOptions.FileExtensions"/> (any case) are read in
    /// ordinal order of their names; other files, hidden files (names starting with '.') and sub-folders are ignored.
    /// </param>
    /// <param name="options">How to prepare the images.</param>
    /// <param name="progress">Receives one report after each image; may be null.</param>
    /// <param name="cancellationToken">Checked before each image.</param>
    /// <returns>The prepared images, owned by the caller.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The folder holds no image file (the message lists the accepted extensions and what the folder holds), or a file is not a
    /// readable image, is truncated, has a shorter side below <see cref="ConceptImageOptions.MinimumSize"/> or more than
    /// 2^28 pixels (the message names the file).
    /// </exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static ConceptImages Load(
        string folder,
        ConceptImageOptions options,
        IProgress<ConceptImageLoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string[] files = ImageFolder.List(folder);
        var pixels = empty([files.Length, 3, options.Resolution, options.Resolution], ScalarType.Byte);
        var originals = options.KeepOriginals ? new OriginalImage[files.Length] : null;
        try
        {
            for (int i = 0; i < files.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var upright = ImageDecoder.Decode(files[i], options.MinimumSize);
                if (originals is not null)
                {
                    using var interleaved = upright.permute(1, 2, 0).contiguous();
                    originals[i] = new OriginalImage(interleaved.data<byte>().ToArray(), (int)upright.shape[1], (int)upright.shape[2]);
                }

                using var square = ImageResizer.ToSquare(upright, options.Resolution, options.CenterCrop);
                using var slot = pixels[i];
                slot.copy_(square);
                progress?.Report(new ConceptImageLoadProgress(i + 1, files.Length, files[i]));
            }
        }
        catch
        {
            pixels.Dispose();
            throw;
        }

        return new ConceptImages(folder, options, Array.AsReadOnly(files), pixels, originals);
    }

    /// <summary>Returns a copy of one decoded original: upright RGB, before any crop or resize.</summary>
    /// <param name="index">The image, 0 to <see cref="Count"/> - 1.</param>
    /// <returns>A new uint8 CPU tensor <c>[3, H, W]</c>, owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="InvalidOperationException">The images were loaded without <see cref="ConceptImageOptions.KeepOriginals"/>.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public Tensor GetOriginal(int index)
    {
        var original = Original(index);
        using var interleaved = tensor(original.Pixels, new long[] { original.Height, original.Width, 3 }, ScalarType.Byte);
        return interleaved.permute(2, 0, 1).contiguous();
    }

    /// <summary>The kept original of one image (shared, do not modify).</summary>
    internal OriginalImage Original(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_originals is null)
        {
            throw new InvalidOperationException(
                $"The images of {Folder} were loaded without {nameof(ConceptImageOptions)}.{nameof(ConceptImageOptions.KeepOriginals)}; their originals were not kept.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _originals[index];
    }

    /// <summary>Returns one image scaled to [-1, 1].</summary>
    /// <param name="index">The image, 0 to <see cref="Count"/> - 1.</param>
    /// <param name="flip">Whether to mirror it horizontally (along the width).</param>
    /// <returns>A new float32 CPU tensor <c>[3, R, R]</c>, owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public Tensor GetImage(int index, bool flip)
    {
        using var batch = Gather([index], [flip]);
        return batch.squeeze(0);
    }

    /// <summary>Returns a batch of images scaled to [-1, 1], each optionally mirrored horizontally.</summary>
    /// <param name="indices">The images, each 0 to <see cref="Count"/> - 1; repeats are allowed.</param>
    /// <param name="flips">For each entry of <paramref name="indices"/>, whether to mirror it along the width.</param>
    /// <returns>A new float32 CPU tensor <c>[B, 3, R, R]</c> with <c>B = indices.Length</c>, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The arrays are empty or differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is out of range; the message names its position.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    public Tensor Gather(long[] indices, bool[] flips)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(flips);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckBatch(indices, flips);

        using var scope = NewDisposeScope();
        var selected = _pixels.index_select(0, tensor(indices));
        var mirrored = selected.flip(-1);
        var mask = tensor(flips).view(flips.Length, 1, 1, 1);
        var oriented = where(mask, mirrored, selected);
        var scaled = oriented.to_type(ScalarType.Float64).DividedBy(127.5).Minus(1.0).to_type(ScalarType.Float32);
        return scaled.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the image tensor.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _pixels.Dispose();
        }
    }

    private void CheckBatch(long[] indices, bool[] flips)
    {
        if (indices.Length == 0 || indices.Length != flips.Length)
        {
            throw new ArgumentException(
                $"{nameof(indices)} and {nameof(flips)} must be non-empty and of equal length; got {indices.Length} and {flips.Length}.",
                nameof(flips));
        }

        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0 || indices[i] >= Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), indices[i], $"{nameof(indices)}[{i}] = {indices[i]} is outside 0..{Count - 1} (the {Count} images of {Folder}).");
            }
        }
    }
}
