using Dvar.Cli.Input;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Cli.Models;

/// <summary>Loads the pipeline a <see cref="ModelRequest"/> names, turning the library's and libtorch's failures into
/// <c>dvar</c>'s usage and input-data errors. Touches TorchSharp: call it from a command's action only.</summary>
internal static class PipelineLoader
{
    /// <summary>Loads libtorch, resolves the device and loads the diffusers folder.</summary>
    /// <param name="request">The folder, device, dtype and variant.</param>
    /// <returns>The pipeline; the caller disposes it.</returns>
    /// <exception cref="UsageException">The device is not available (e.g. CUDA with the CPU backend), or --threads is below 1.</exception>
    /// <exception cref="InputDataException">The folder is missing or does not load; the message names the file.</exception>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded on this machine.</exception>
    public static StableDiffusionPipeline Load(ModelRequest request)
    {
        if (request.Threads is < 1)
        {
            throw new UsageException($"--threads must be at least 1; got {request.Threads}.");
        }

        var device = ResolveDevice(request.Device);
        if (request.Threads is { } threads)
        {
            set_num_threads(threads);
        }

        if (!Directory.Exists(request.Folder))
        {
            throw new InputDataException(File.Exists(request.Folder)
                ? $"--model '{request.Folder}' is a file; it must be a diffusers folder (model_index.json, unet/, vae/, ...)."
                : $"--model: the folder '{request.Folder}' does not exist.");
        }

        try
        {
            return StableDiffusionPipeline.FromPretrained(request.Folder, device, ToScalarType(request.Dtype), request.Variant);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException)
        {
            throw new InputDataException($"--model '{request.Folder}' does not load: {e.Message}", innerException: e);
        }
    }

    /// <summary>The device for <c>--device</c>, after loading libtorch.</summary>
    /// <param name="text"><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (checked by the option's parser).</param>
    /// <returns>The device.</returns>
    /// <exception cref="UsageException">CUDA is not available, or N is not a CUDA device of this machine.</exception>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded on this machine.</exception>
    public static Device ResolveDevice(string text)
    {
        EnsureLibTorch();
        if (text == "cpu")
        {
            return CPU;
        }

        if (!CudaAvailable(out string? why))
        {
            throw new UsageException(
                $"--device {text}: CUDA is not available{why}. This dvar ships libtorch's CPU backend (TorchSharp-cpu); to run on an NVIDIA GPU, "
                + "build it (or your own program) with TorchSharp-cuda-linux or TorchSharp-cuda-windows instead of TorchSharp-cpu (docs/gpu.md).");
        }

        var device = torch.device(text);
        int count = cuda.device_count();
        if (device.index >= count)
        {
            throw new UsageException($"--device {text}: this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}.");
        }

        return device;
    }

    /// <summary>The libtorch type of a <c>--dtype</c> value.</summary>
    /// <param name="dtype">The value.</param>
    /// <returns>The scalar type.</returns>
    public static ScalarType ToScalarType(ModelDtype dtype) => dtype switch
    {
        ModelDtype.Float16 => ScalarType.Float16,
        ModelDtype.BFloat16 => ScalarType.BFloat16,
        _ => ScalarType.Float32,
    };

    private static void EnsureLibTorch()
    {
        // When the native library does not load, TorchSharp prints its whole search trace to standard output, which would
        // break --format json; the trace is dropped and the exception says what is wrong.
        var standardOutput = Console.Out;
        try
        {
            Console.SetOut(TextWriter.Null);
            InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"libtorch (TorchSharp 0.107, libtorch 2.10) could not be loaded: {e.Message} On Linux it needs the libstdc++ of GCC 13 or newer (GLIBCXX_3.4.32), e.g. Debian 13 or Ubuntu 24.04.",
                e);
        }
        finally
        {
            Console.SetOut(standardOutput);
        }
    }

    private static bool CudaAvailable(out string? why)
    {
        try
        {
            why = null;
            return cuda.is_available();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            why = $" ({e.Message})";
            return false;
        }
    }
}
