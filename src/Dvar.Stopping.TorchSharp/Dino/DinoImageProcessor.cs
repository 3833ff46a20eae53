using Dvar.Stopping.TorchSharp.Imaging;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino;

/// <summary>
/// Turns generated images into a <see cref="DinoVitModel"/>'s pixel values exactly as the DVAR authors' <c>dino_scores.py</c>
/// does: their images are PIL images, which Hugging Face's <c>ViTImageProcessor.from_pretrained('facebook/dino-vits16')</c>
/// (dino_scores.py lines 14 and 19) resizes and normalises.
/// </summary>
/// <remarks>
/// <para>Steps, per image:</para>
/// <list type="number">
/// <item>Quantise to 8 bits as diffusers does when it returns PIL images from a <c>[-1, 1]</c> tensor:
/// <c>round(clamp(x / 2 + 0.5, 0, 1) · 255)</c> in float32 (round half to even).</item>
/// <item>Resize to <c>size x size</c> (the aspect ratio is not kept; there is no crop) with Pillow's bilinear filter, bit-exact on
/// the 8-bit image (<c>resample</c> 2 in the model's <c>preprocessor_config.json</c>).</item>
/// <item>Rescale: multiply by 1/255 in float64, then cast to float32.</item>
/// <item>Normalise: <c>(x - mean) / std</c> per channel in float32.</item>
/// </list>
/// <para>The quantisation, resize and rescale run on the CPU; the result is float32 on the CPU.</para>
/// </remarks>
public sealed class DinoImageProcessor
{
    /// <summary>Creates the processor.</summary>
    /// <param name="config">The preprocessing settings; <see cref="DinoProcessorConfig.DinoVits16"/> for <c>facebook/dino-vits16</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The settings are invalid or unsupported; the message names the key.</exception>
    public DinoImageProcessor(DinoProcessorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
    }

    /// <summary>Gets the preprocessing settings.</summary>
    public DinoProcessorConfig Config { get; }

    /// <summary>Computes the pixel values of images in [-1, 1].</summary>
    /// <param name="images">RGB images <c>[n, 3, H, W]</c> in [-1, 1] (values outside are clamped), any floating dtype, any device.</param>
    /// <returns>Pixel values <c>[n, 3, size, size]</c>, float32, on the CPU; the caller owns the tensor.</returns>
    /// <exception cref="ArgumentException">The images are not a floating-point <c>[n, 3, H, W]</c> tensor with n, H, W ≥ 1.</exception>
    public Tensor Preprocess(Tensor images)
    {
        CheckImages(images, nameof(images));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var resized = Resize(Quantize(images));
        var rescaled = resized.to_type(ScalarType.Float64).Times(1.0 / 255).to_type(ScalarType.Float32);
        var mean = tensor(Config.ImageMean.Select(m => (float)m).ToArray()).view(1, 3, 1, 1);
        var std = tensor(Config.ImageStd.Select(s => (float)s).ToArray()).view(1, 3, 1, 1);
        return rescaled.sub(mean).div(std).MoveToOuterDisposeScope();
    }

    /// <summary>Checks that a tensor is a batch of floating-point RGB images.</summary>
    /// <exception cref="ArgumentException">It is not <c>[n, 3, H, W]</c> with n, H, W ≥ 1 and a floating-point dtype.</exception>
    internal static void CheckImages(Tensor images, string name)
    {
        ArgumentNullException.ThrowIfNull(images, name);
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[0] < 1 || images.shape[2] < 1 || images.shape[3] < 1)
        {
            throw new ArgumentException($"{name} must be RGB images [n, 3, H, W] with n, H, W >= 1; got [{string.Join(", ", images.shape)}].", name);
        }

        if (!is_floating_point(images))
        {
            throw new ArgumentException($"{name} must be floating-point images in [-1, 1]; got {images.dtype}.", name);
        }
    }

    /// <summary>[-1, 1] floats to 8-bit values as diffusers' <c>numpy_to_pil</c> produces them: uint8 on the CPU.</summary>
    internal static Tensor Quantize(Tensor images)
    {
        using var scope = NewDisposeScope();
        var unit = images.detach().to(ScalarType.Float32, CPU).DividedBy(2).Plus(0.5).ClampedTo(0, 1);
        return unit.Times(255).round().to_type(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    /// <summary>Resizes 8-bit images <c>[n, C, H, W]</c> (CPU, uint8) to <c>[n, C, size, size]</c> with Pillow's bilinear filter.</summary>
    internal Tensor Resize(Tensor bytes) => ResizeTo(bytes, Config.Size);

    /// <summary>Resizes 8-bit images <c>[n, C, H, W]</c> (CPU, uint8) to <c>[n, C, side, side]</c> with Pillow's bilinear filter.</summary>
    internal static Tensor ResizeTo(Tensor bytes, int side)
    {
        long n = bytes.shape[0];
        long channels = bytes.shape[1];
        int height = (int)bytes.shape[2];
        int width = (int)bytes.shape[3];
        using var contiguous = bytes.contiguous();
        byte[] source = contiguous.data<byte>().ToArray();
        int planeIn = height * width;
        int planeOut = side * side;
        var resized = new byte[n * channels * planeOut];
        for (int plane = 0; plane < n * channels; plane++)
        {
            // A plane is a one-channel interleaved image.
            byte[] one = PillowResampler.Resize(source.AsSpan(plane * planeIn, planeIn), height, width, 1, side, side, PillowFilter.Bilinear);
            one.CopyTo(resized, plane * planeOut);
        }

        return tensor(resized, [n, channels, side, side], ScalarType.Byte);
    }
}
