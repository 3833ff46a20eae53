using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>The latent-diffusion loss shared by training and evaluation.</summary>
/// <remarks>
/// <c>z_t = √ᾱ_t · z_0 + √(1 − ᾱ_t) · ε</c>, <c>c = text_encoder(ids)</c>, <c>pred = unet(z_t, t, c)</c>, target ε (or v for
/// v-prediction schedulers), <c>loss = mean((pred − target)²)</c> in float32. With prior preservation:
/// <c>loss = mse(instance rows) + w · mse(class rows)</c>. When the batch has an instance mask (Custom Diffusion's random
/// rescaling) the instance term is, as in the DVAR authors' textual_inversion.py, the mean over instance rows of
/// <c>Σ_{c,h,w} (pred − target)² · mask / Σ_{h,w} mask</c> with the one-channel mask broadcast over the C latent channels (so
/// C times a masked mean); a row whose mask is empty counts 0 where the authors' code would give NaN (possible only at small
/// resolutions, where a far-away paste can leave no interior latent cell). The frozen modules run in the pipeline's dtype (float16/bfloat16
/// under mixed precision); the conditioning is cast to it at the UNet's boundary and the prediction back to float32.
/// </remarks>
internal sealed class DiffusionObjective
{
    private readonly StableDiffusionPipeline _pipeline;
    private readonly double _priorLossWeight;

    /// <summary>Creates the objective.</summary>
    /// <param name="pipeline">The pipeline (with the method's trainable parts attached).</param>
    /// <param name="priorLossWeight">The weight w of the class rows' loss.</param>
    public DiffusionObjective(StableDiffusionPipeline pipeline, double priorLossWeight)
    {
        _pipeline = pipeline;
        _priorLossWeight = priorLossWeight;
    }

    /// <summary>Encodes caption ids to the UNet's conditioning, in the pipeline's dtype.</summary>
    /// <param name="inputIds">[B, L] token ids on the pipeline's device.</param>
    /// <param name="withGradient">Whether to record autograd (when the method trains text-side parameters).</param>
    /// <returns>[B, L, hidden]; the caller owns it.</returns>
    public Tensor EncodePrompts(Tensor inputIds, bool withGradient)
    {
        using var scope = NewDisposeScope();
        using var grad = set_grad_enabled(withGradient && is_grad_enabled());
        var states = _pipeline.TextEncoder.forward(inputIds);
        return states.to(_pipeline.Dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Computes the loss of a batch given its conditioning.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="encoderStates">The conditioning of the batch's captions, [B, L, hidden].</param>
    /// <returns>The float32 scalar loss (with autograd when enabled); the caller owns it.</returns>
    public Tensor Loss(DiffusionBatch batch, Tensor encoderStates)
    {
        using var scope = NewDisposeScope();
        var scheduler = _pipeline.Scheduler;
        var noisy = scheduler.AddNoise(batch.Latents, batch.Noise, batch.Timesteps);
        var prediction = _pipeline.Unet.forward(noisy, batch.Timesteps, encoderStates.to(_pipeline.Dtype)).to(ScalarType.Float32);
        var target = scheduler.TrainingTarget(batch.Latents, batch.Noise, batch.Timesteps).to(ScalarType.Float32);
        Tensor loss;
        if (batch.InstanceCount == batch.Count && batch.InstanceMask is null)
        {
            loss = nn.functional.mse_loss(prediction, target);
        }
        else
        {
            long k = batch.InstanceCount;
            long rest = batch.Count - k;
            var instance = batch.InstanceMask is { } mask
                ? MaskedMse(prediction.narrow(0, 0, k), target.narrow(0, 0, k), mask)
                : nn.functional.mse_loss(prediction.narrow(0, 0, k), target.narrow(0, 0, k));
            loss = rest == 0
                ? instance
                : instance.Plus(nn.functional.mse_loss(prediction.narrow(0, k, rest), target.narrow(0, k, rest)).Times(_priorLossWeight));
        }

        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The authors' masked instance loss: per row <c>Σ (pred − target)² · mask / max(Σ mask, 1)</c>, then the mean.</summary>
    /// <param name="prediction">[k, C, h, w] float32.</param>
    /// <param name="target">[k, C, h, w] float32.</param>
    /// <param name="mask">[k, 1, h, w], any floating dtype and the same device.</param>
    /// <returns>The float32 scalar; the caller owns it.</returns>
    internal static Tensor MaskedMse(Tensor prediction, Tensor target, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var squared = nn.functional.mse_loss(prediction, target, nn.Reduction.None);
        var weights = mask.to(ScalarType.Float32);
        long[] perRow = [1, 2, 3];
        var numerator = (squared * weights).sum(perRow);
        var denominator = weights.sum(perRow).AtLeast(1.0);
        return (numerator / denominator).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Computes the loss of a batch, encoding its captions (with autograd only when asked).</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="textWithGradient">Whether the conditioning needs autograd (the method trains text-side parameters).</param>
    /// <returns>The float32 scalar loss; the caller owns it.</returns>
    public Tensor Loss(DiffusionBatch batch, bool textWithGradient)
    {
        using var states = EncodePrompts(batch.InputIds, textWithGradient);
        return Loss(batch, states);
    }
}
