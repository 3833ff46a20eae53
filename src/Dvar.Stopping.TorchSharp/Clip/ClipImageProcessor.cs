using Dvar.Stopping.TorchSharp.Imaging;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>CLIP's image preprocessing with transformers' <c>CLIPImageProcessor</c> semantics, Pillow's bicubic resize reproduced exactly.</summary>
/// <remarks>
/// <para>Per image: resize so that the shorter side is <see cref="ClipImageProcessorConfig.ShortestEdge"/> and the longer side
/// <c>int(S · long / short)</c> (truncated) with Pillow's bicubic to 8 bits (an image already at that size is not resampled);
/// cut the centre crop at <c>top = floor((h − crop_h) / 2)</c>, <c>left = floor((w − crop_w) / 2)</c>; multiply by the rescale
/// factor (in float64, then float32); normalise <c>(x − mean) / std</c> per RGB channel in float32; channels first.</para>
/// <para>openai/CLIP's own torchvision pipeline crops with <c>round((h − S) / 2)</c> (half to even) and so differs by one pixel
/// when <c>h − S</c> is 3, 7, 11, ...; this class follows transformers.</para>
/// <para>Thread-safe: an instance holds only its settings.</para>
/// </remarks>
public sealed class ClipImageProcessor
{
    /// <summary>The file name of the settings in a model folder.</summary>
    public const string ConfigFileName = "preprocessor_config.json";

    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Initializes a new instance of the <see cref="ClipImageProcessor"/> class.</summary>
    /// <param name="config">The settings; null for <c>CLIPImageProcessor</c>'s defaults (224, openai's mean and std).</param>
    /// <exception cref="ArgumentException">A setting is out of range; the message names the key.</exception>
    public ClipImageProcessor(ClipImageProcessorConfig? config = null)
    {
        config ??= new ClipImageProcessorConfig();
        config.Validate();
        Config = config;
        _mean = [.. config.ImageMean.Select(m => (float)m)];
        _std = [.. config.ImageStd.Select(s => (float)s)];
    }

    /// <summary>Gets the settings.</summary>
    public ClipImageProcessorConfig Config { get; }

    /// <summary>Gets the height of the output pixel values: the crop height, or the resize height without crop.</summary>
    public int OutputHeight => Config.DoCenterCrop ? Config.CropHeight : Config.ResizeHeight ?? Config.ShortestEdge ?? 0;

    /// <summary>Gets the width of the output pixel values: the crop width, or the resize width without crop.</summary>
    public int OutputWidth => Config.DoCenterCrop ? Config.CropWidth : Config.ResizeWidth ?? Config.ShortestEdge ?? 0;

    /// <summary>Reads <c>preprocessor_config.json</c> from a model folder.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The processor.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The folder has no <c>preprocessor_config.json</c>.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or has an unsupported value; the message names the key.</exception>
    public static ClipImageProcessor FromPretrained(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return new ClipImageProcessor(ClipImageProcessorConfig.Read(Path.Combine(folder, ConfigFileName)));
    }

    /// <summary>Preprocesses 8-bit RGB images as decoded from files (e.g. PNGs).</summary>
    /// <param name="images">uint8 <c>[H, W, 3]</c> tensors (channels last, as PIL decodes), any sizes, any device.</param>
    /// <param name="device">Where to create the result; null for the CPU.</param>
    /// <returns><c>[n, 3, OutputHeight, OutputWidth]</c> float32 pixel values; the caller owns them.</returns>
    /// <exception cref="ArgumentException">The list is empty, or an image is not uint8 <c>[H, W, 3]</c> or is smaller than the crop after resizing.</exception>
    public Tensor Preprocess(IReadOnlyList<Tensor> images, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is needed.", nameof(images));
        }

        int plane = OutputHeight * OutputWidth;
        var values = new float[images.Count * 3L * plane];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i] ?? throw new ArgumentNullException(nameof(images), $"images[{i}] is null.");
            if (image.dtype != ScalarType.Byte || image.dim() != 3 || image.shape[2] != 3)
            {
                throw new ArgumentException($"images[{i}] must be uint8 [H, W, 3]; got {image.dtype} [{string.Join(", ", image.shape)}].", nameof(images));
            }

            using var cpu = image.cpu().contiguous();
            ProcessInto(cpu.bytes, (int)image.shape[0], (int)image.shape[1], values.AsSpan(i * 3 * plane, 3 * plane), $"images[{i}]");
        }

        return tensor(values, [images.Count, 3, OutputHeight, OutputWidth], ScalarType.Float32, device);
    }

    /// <summary>Decodes image files (JPEG, PNG or WebP, upright by their EXIF orientation, alpha dropped) and preprocesses them.</summary>
    /// <param name="paths">The files (at least one).</param>
    /// <param name="device">Where to create the result; null for the CPU.</param>
    /// <returns><c>[n, 3, OutputHeight, OutputWidth]</c> float32 pixel values; the caller owns them.</returns>
    /// <remarks>Decoding is SkiaSharp's, as for concept images (8-bit RGB without colour management, as PIL's <c>convert("RGB")</c>).</remarks>
    /// <exception cref="ArgumentException">The list is empty, or an image is smaller than the crop after resizing.</exception>
    /// <exception cref="InvalidDataException">A file is not a readable image; the message names it.</exception>
    public Tensor PreprocessFiles(IReadOnlyList<string> paths, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        using var scope = NewDisposeScope();
        var images = new List<Tensor>(paths.Count);
        foreach (string path in paths)
        {
            ArgumentException.ThrowIfNullOrEmpty(path, nameof(paths));
            using var planar = ImageDecoder.Decode(path, 1);
            images.Add(planar.permute(1, 2, 0).contiguous());
        }

        return Preprocess(images, device).MoveToOuterDisposeScope();
    }

    /// <summary>Preprocesses decoded images in [-1, 1] (the SD VAE decoder's output), first rounding them to 8 bits as saving a PNG does.</summary>
    /// <param name="images">RGB <c>[n, 3, H, W]</c>, any floating dtype and device; values outside [-1, 1] are clamped.</param>
    /// <param name="device">Where to create the result; null for the CPU.</param>
    /// <returns><c>[n, 3, OutputHeight, OutputWidth]</c> float32 pixel values; the caller owns them.</returns>
    /// <remarks>8-bit values are <c>round(255 · clamp(x / 2 + 0.5, 0, 1))</c> in float32 (ties to even), as diffusers'
    /// <c>numpy_to_pil</c> and <see cref="StableDiffusion.Pipeline.GeneratedImage"/>; then as <see cref="Preprocess"/>.</remarks>
    /// <exception cref="ArgumentException">The images are not floating-point <c>[n, 3, H, W]</c> with n ≥ 1, or are smaller than the crop after resizing.</exception>
    public Tensor PreprocessSigned(Tensor images, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[0] < 1 || !images.is_floating_point())
        {
            throw new ArgumentException($"images must be floating-point [n, 3, H, W] with n ≥ 1; got {images.dtype} [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Scalars are held for the native calls (HeldScalar).
        var unit = images.detach().to(ScalarType.Float32, CPU).DividedBy(2.0).Plus(0.5).ClampedTo(0, 1);
        var bytes = unit.Times(255.0).round().to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        int count = (int)bytes.shape[0];
        int height = (int)bytes.shape[1];
        int width = (int)bytes.shape[2];
        int size = height * width * 3;
        int plane = OutputHeight * OutputWidth;
        var all = bytes.bytes;
        var values = new float[count * 3L * plane];
        for (int i = 0; i < count; i++)
        {
            ProcessInto(all.Slice(i * size, size), height, width, values.AsSpan(i * 3 * plane, 3 * plane), $"images[{i}]");
        }

        return tensor(values, [count, 3, OutputHeight, OutputWidth], ScalarType.Float32, device).MoveToOuterDisposeScope();
    }

    /// <summary>The size an image is resized to: transformers' shortest-edge rule with <c>int()</c> truncation, or the exact size.</summary>
    /// <param name="height">The input height.</param>
    /// <param name="width">The input width.</param>
    /// <returns>The resized height and width (the input size when <c>do_resize</c> is false).</returns>
    internal (int Height, int Width) ResizedSize(int height, int width)
    {
        if (!Config.DoResize)
        {
            return (height, width);
        }

        if (Config.ShortestEdge is not int edge)
        {
            return (Config.ResizeHeight!.Value, Config.ResizeWidth!.Value);
        }

        int shorter = Math.Min(height, width);
        int longer = Math.Max(height, width);
        int resizedLonger = (int)((double)edge * longer / shorter);
        return height <= width ? (edge, resizedLonger) : (resizedLonger, edge);
    }

    /// <summary>Resizes, crops, rescales and normalises one interleaved RGB image into <paramref name="output"/> (channels first).</summary>
    private void ProcessInto(ReadOnlySpan<byte> pixels, int height, int width, Span<float> output, string name)
    {
        if (height < 1 || width < 1)
        {
            throw new ArgumentException($"{name} is empty ({height}x{width}).", nameof(pixels));
        }

        var (newHeight, newWidth) = ResizedSize(height, width);
        ReadOnlySpan<byte> resized = newHeight == height && newWidth == width ? pixels : PillowResampler.Resize(pixels, height, width, 3, newHeight, newWidth, PillowFilter.Bicubic);
        int outHeight = OutputHeight;
        int outWidth = OutputWidth;
        if (outHeight > newHeight || outWidth > newWidth)
        {
            throw new ArgumentException(
                $"{name} is {newHeight}x{newWidth} after resizing ({height}x{width} before); it must be at least the {outHeight}x{outWidth} crop.", nameof(pixels));
        }

        int top = (newHeight - outHeight) / 2;
        int left = (newWidth - outWidth) / 2;
        int plane = outHeight * outWidth;
        for (int y = 0; y < outHeight; y++)
        {
            for (int x = 0; x < outWidth; x++)
            {
                int source = (((top + y) * newWidth) + left + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    output[(c * plane) + (y * outWidth) + x] = Normalize(resized[source + c], c);
                }
            }
        }
    }

    /// <summary>transformers' <c>rescale</c> (float64 product, then float32) and <c>normalize</c> (float32) of one value.</summary>
    private float Normalize(byte value, int channel)
    {
        float x = Config.DoRescale ? (float)(value * Config.RescaleFactor) : value;
        return Config.DoNormalize ? (x - _mean[channel]) / _std[channel] : x;
    }
}
