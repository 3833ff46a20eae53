using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>The latent-diffusion loss shared by training and evaluation.</summary>
/// <remarks>
/// <c>z_t = √ᾱ_t · z_0 + √(1 − ᾱ_t) · ε</c>, <c>c = text_encoder(ids)</c>, <c>pred = unet(z_t, t, c)</c>, target ε (or v for
/// v-prediction schedulers), <c>loss = mean((pred − target)²)</c> in float32. With prior preservation:
/// <c>loss = mse(instance rows) + w · mse(class rows)</c>. The frozen modules run in the pipeline's dtype (float16/bfloat16
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
        if (batch.InstanceCount == batch.Count)
        {
            loss = nn.functional.mse_loss(prediction, target);
        }
        else
        {
            long k = batch.InstanceCount;
            long rest = batch.Count - k;
            var instance = nn.functional.mse_loss(prediction.narrow(0, 0, k), target.narrow(0, 0, k));
            var prior = nn.functional.mse_loss(prediction.narrow(0, k, rest), target.narrow(0, k, rest));
            loss = instance.Plus(prior.Times(_priorLossWeight));
        }

        return loss.MoveToOuterDisposeScope();
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
