using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>Checks the inputs of <see cref="UNet2DConditionModel.forward"/> before any computation, naming the argument and its shape.</summary>
internal static class UNet2DConditionInputs
{
    /// <summary>Checks ranks, shapes, dtypes and devices.</summary>
    /// <param name="model">The model (for its config and downsampling factor).</param>
    /// <param name="sample">Noisy latents.</param>
    /// <param name="timesteps">Timesteps.</param>
    /// <param name="encoderHiddenStates">Text encoder states.</param>
    /// <param name="weight">A model weight, whose dtype and device the inputs must have.</param>
    /// <exception cref="ArgumentException">An input does not fit.</exception>
    internal static void Check(UNet2DConditionModel model, Tensor sample, Tensor timesteps, Tensor encoderHiddenStates, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(timesteps);
        ArgumentNullException.ThrowIfNull(encoderHiddenStates);
        var config = model.Config;
        long factor = model.DownsamplingFactor;
        if (sample.ndim != 4 || sample.shape[0] < 1 || sample.shape[1] != config.InChannels
            || sample.shape[2] < 1 || sample.shape[3] < 1 || sample.shape[2] % factor != 0 || sample.shape[3] % factor != 0)
        {
            throw new ArgumentException(
                $"sample must be [B, {config.InChannels}, H, W] with H and W positive multiples of {factor} (2^(down blocks - 1)); got {Shape(sample)}.",
                nameof(sample));
        }

        long batch = sample.shape[0];
        if (timesteps.ndim > 1 || (timesteps.ndim == 1 && timesteps.shape[0] != 1 && timesteps.shape[0] != batch))
        {
            throw new ArgumentException(
                $"timesteps must be a scalar, [1] or [B] = [{batch}] (one per row of sample); got {Shape(timesteps)}.", nameof(timesteps));
        }

        if (timesteps.dtype == ScalarType.Bool || timesteps.is_complex())
        {
            throw new ArgumentException($"timesteps must be integer or floating, got {timesteps.dtype}.", nameof(timesteps));
        }

        long crossAttentionDim = config.CrossAttentionDim[0];
        if (encoderHiddenStates.ndim != 3 || encoderHiddenStates.shape[0] != batch || encoderHiddenStates.shape[1] < 1 || encoderHiddenStates.shape[2] != crossAttentionDim)
        {
            throw new ArgumentException(
                $"encoderHiddenStates must be [B, L, {crossAttentionDim}] (cross_attention_dim) with B = {batch} as in sample; got {Shape(encoderHiddenStates)}.",
                nameof(encoderHiddenStates));
        }

        CheckLikeWeight(sample, nameof(sample), weight);
        CheckLikeWeight(encoderHiddenStates, nameof(encoderHiddenStates), weight);
    }

    private static void CheckLikeWeight(Tensor input, string name, Tensor weight)
    {
        if (input.dtype != weight.dtype)
        {
            throw new ArgumentException($"{name} has dtype {input.dtype} but the model's weights are {weight.dtype}.", name);
        }

        if (input.device_type != weight.device_type || input.device_index != weight.device_index)
        {
            throw new ArgumentException($"{name} is on {input.device} but the model is on {weight.device}.", name);
        }
    }

    private static string Shape(Tensor tensor) => $"[{string.Join(", ", tensor.shape)}]";
}
