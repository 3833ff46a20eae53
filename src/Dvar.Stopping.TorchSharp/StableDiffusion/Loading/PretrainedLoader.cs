using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Loading;

/// <summary>The one loading sequence of every model's <c>FromPretrained</c>: config, validation, build, placement, weights, evaluation mode.</summary>
internal static class PretrainedLoader
{
    /// <summary>The weights file name of diffusers models (UNet, VAE), without extension and variant.</summary>
    public const string DiffusersWeightsName = "diffusion_pytorch_model";

    /// <summary>The weights file name of transformers models (the CLIP text encoder), without extension and variant.</summary>
    public const string TransformersWeightsName = "model";

    /// <summary>
    /// Reads <c>{folder}/config.json</c>, validates it (a failure names the file), builds the model, moves it to
    /// <paramref name="device"/> and <paramref name="dtype"/>, loads <c>{weightsName}[.{variant}].safetensors</c> (or its sharded
    /// index; failing both, the PyTorch zip checkpoint <c>pytorch_model.bin</c> / <c>diffusion_pytorch_model.bin</c>, see
    /// <see cref="ModuleWeights.ResolveFiles"/>) strictly, and returns it in evaluation mode. A model built before a failure is disposed.
    /// </summary>
    /// <typeparam name="TModel">The model.</typeparam>
    /// <typeparam name="TConfig">Its config record.</typeparam>
    /// <param name="folder">The component folder.</param>
    /// <param name="device">Where to put the model; null for the CPU.</param>
    /// <param name="dtype">The parameter dtype: float32, float64, float16 or bfloat16.</param>
    /// <param name="variant">The weights variant (e.g. <c>fp16</c>), or null for the plain file.</param>
    /// <param name="weightsName"><see cref="DiffusersWeightsName"/> or <see cref="TransformersWeightsName"/>.</param>
    /// <param name="validate">The config's validation; throws <see cref="ArgumentException"/> naming the key.</param>
    /// <param name="build">Builds the untrained model from a validated config.</param>
    /// <param name="options">Renames, ignored keys and reshapes of the weights (its variant is replaced by <paramref name="variant"/>); null for none.</param>
    /// <returns>The loaded model; the caller owns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty, or <paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException">The config or the weights file is missing.</exception>
    /// <exception cref="InvalidDataException">The config is malformed or invalid, or the weights do not match the model.</exception>
    public static TModel Load<TModel, TConfig>(
        string folder,
        Device? device,
        ScalarType dtype,
        string? variant,
        string weightsName,
        Action<TConfig> validate,
        Func<TConfig, TModel> build,
        WeightsLoadOptions? options = null)
        where TModel : nn.Module
        where TConfig : class
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64))
        {
            throw new ArgumentException($"dtype must be a floating-point type (float32, float64, float16 or bfloat16); got {dtype}.", nameof(dtype));
        }

        string configPath = Path.Combine(folder, "config.json");
        var config = ConfigJson.Read<TConfig>(configPath);
        try
        {
            validate(config);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: {e.Message}", e);
        }

        var model = build(config);
        try
        {
            model.to(device ?? CPU, dtype);
            ModuleWeights.Load(model, folder, weightsName, (options ?? new WeightsLoadOptions()) with { Variant = variant });
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
