using Dvar.Stopping.TorchSharp.StableDiffusion.Loading;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <content>Loading a diffusers <c>unet/</c> folder.</content>
public sealed partial class UNet2DConditionModel
{
    /// <summary>The weights file name of a diffusers model folder, without extension and variant.</summary>
    internal const string WeightsName = PretrainedLoader.DiffusersWeightsName;

    /// <summary>
    /// Loads a diffusers <c>unet/</c> folder: <c>config.json</c>, then <c>diffusion_pytorch_model[.{variant}].safetensors</c>
    /// (or its sharded <c>.safetensors.index.json</c>), checking every key and shape before copying.
    /// </summary>
    /// <param name="folder">The folder, e.g. <c>stable-diffusion-v1-5/unet</c>.</param>
    /// <param name="device">Where to put the model; null for the CPU.</param>
    /// <param name="dtype">The parameter dtype; stored weights of any floating dtype are converted to it.</param>
    /// <param name="variant">The weights variant, e.g. <c>fp16</c> for <c>diffusion_pytorch_model.fp16.safetensors</c>; null for the plain file.</param>
    /// <returns>The model in evaluation mode; the caller owns and disposes it.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty, or <paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException"><c>config.json</c> or the weights file is missing (the message lists the folder's weights files).</exception>
    /// <exception cref="InvalidDataException">The config is malformed, invalid or unsupported (naming the file and the keys), or the weights do not match the model (listing missing, unexpected and wrongly shaped tensors).</exception>
    public static UNet2DConditionModel FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32, string? variant = null) =>
        PretrainedLoader.Load<UNet2DConditionModel, UNet2DConditionModelConfig>(
            folder, device, dtype, variant, WeightsName, config => config.Validate(), config => new UNet2DConditionModel(config));
}
