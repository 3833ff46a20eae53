using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

/// <content>The denoising loop (DDIM or PNDM) with classifier-free guidance, and the VAE decode of its result.</content>
public sealed partial class StableDiffusionPipeline
{
    /// <summary>
    /// Runs the sampling loop from <paramref name="latents"/>: at each timestep t the UNet predicts the noise of
    /// <c>[x_t, x_t]</c> under <c>[uncond, text]</c> conditioning, the prediction is <c>ε_uncond + g · (ε_text − ε_uncond)</c>,
    /// and the sampler's step (DDIM with η = 0, or PNDM's PLMS step) gives the next sample. With g ≤ 1 only the conditional
    /// branch runs.
    /// </summary>
    /// <param name="latents">x_T, <c>[n, latent_channels, h, w]</c> in <see cref="Dtype"/> on <see cref="Device"/> (not modified).</param>
    /// <param name="promptEmbeddings">The conditioning: with guidance (g &gt; 1) <c>[2n, L, hidden]</c>, the n unconditional rows first;
    /// otherwise <c>[n, L, hidden]</c>.</param>
    /// <param name="steps">The number of denoising steps N, 1 to <c>num_train_timesteps</c> (PNDM visits N + 1 timesteps for N ≥ 2).</param>
    /// <param name="guidanceScale">g, finite and ≥ 0.</param>
    /// <param name="sampler">The sampler (see <see cref="ResolveSampler"/>); default the folder's.</param>
    /// <param name="progress">Receives one report after each step, in order; null for none.</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <returns>x_0, shaped like <paramref name="latents"/>; the caller owns it.</returns>
    /// <remarks>Runs under <c>no_grad</c>. The sampler is built per call from <see cref="Scheduler"/>'s config (SD v1.5: leading
    /// spacing with <c>steps_offset</c> 1, so 50 DDIM steps visit 981, 961, ..., 1 and 50 PNDM steps 981, 961, 961, 941, ..., 1).
    /// A <c>PNDMScheduler</c> file without <c>set_alpha_to_one</c> reads as false, PNDM's default, for either sampler, as
    /// diffusers' saved config of that class would hold (SD v1.5 states false).</remarks>
    /// <exception cref="ArgumentNullException">A tensor is null.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit each other or the UNet, or <paramref name="steps"/>,
    /// <paramref name="guidanceScale"/> or <paramref name="sampler"/> is out of range, or the config does not fit the sampler
    /// (DDIM supports leading spacing only).</exception>
    /// <exception cref="NotSupportedException"><paramref name="sampler"/> is <see cref="SamplerKind.FolderDefault"/> and the
    /// folder names a scheduler this library does not sample with, or PNDM is asked for with <c>skip_prk_steps</c> false.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Tensor DenoiseLatents(
        Tensor latents,
        Tensor promptEmbeddings,
        int steps,
        double guidanceScale,
        SamplerKind sampler = SamplerKind.FolderDefault,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(promptEmbeddings);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, Scheduler.NumTrainTimesteps);
        Guard.NonNegativeFinite(guidanceScale, nameof(guidanceScale));
        bool guided = guidanceScale > 1;
        CheckConditioning(latents, promptEmbeddings, guided);
        var kind = ResolveSampler(sampler);

        using var ddim = kind == SamplerKind.Ddim ? new DdimScheduler(Scheduler.Config) : null;
        using var pndm = kind == SamplerKind.Pndm ? new PndmScheduler(Scheduler.Config) : null;
        var timesteps = ddim?.SetTimesteps(steps) ?? pndm!.SetTimesteps(steps);
        Func<Tensor, int, Tensor, Tensor> schedulerStep = ddim is not null ? ddim.Step : pndm!.Step;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var sample = latents;
        for (int i = 0; i < timesteps.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = Step(schedulerStep, timesteps[i], sample, promptEmbeddings, guided ? guidanceScale : null);
            if (!ReferenceEquals(sample, latents))
            {
                sample.Dispose();
            }

            sample = next;
            progress?.Report(new GenerationProgress(i + 1, timesteps.Count, timesteps[i]));
        }

        return sample.MoveToOuterDisposeScope();
    }

    /// <summary>Decodes latents to images in [0, 1]: <c>clamp(vae.decode(latents / scaling_factor) / 2 + 0.5, 0, 1)</c>, under <c>no_grad</c>.</summary>
    /// <param name="latents">[n, latent_channels, h, w] on <see cref="Device"/>, any floating dtype (converted to the VAE's, which may
    /// differ from <see cref="Dtype"/>, e.g. a float32 VAE beside a float16 UNet).</param>
    /// <returns>[n, 3, h · VaeScaleFactor, w · VaeScaleFactor] in the VAE's dtype; the caller owns it.</returns>
    /// <exception cref="ArgumentException">The latents do not fit the VAE (see <see cref="AutoencoderKL.Decode"/>).</exception>
    public Tensor DecodeLatents(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var vaeDtype = Vae.parameters().First().dtype;
        var image = Vae.Decode(latents.to_type(vaeDtype).DividedBy(Vae.ScalingFactor));
        return image.DividedBy(2).Plus(0.5).ClampedTo(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>One guided (or, with a null scale, conditional-only) sampler step; returns the next sample, owned by the caller.</summary>
    private Tensor Step(Func<Tensor, int, Tensor, Tensor> schedulerStep, int timestep, Tensor sample, Tensor promptEmbeddings, double? guidanceScale)
    {
        using var scope = NewDisposeScope();
        var latent_model_input = guidanceScale is null ? sample : cat([sample, sample], 0);
        var t = tensor((long)timestep, ScalarType.Int64, Device);
        var noise_pred = Unet.call(latent_model_input, t, promptEmbeddings);
        if (guidanceScale is double g)
        {
            var chunks = noise_pred.chunk(2, 0);
            var noise_pred_uncond = chunks[0];
            var noise_pred_text = chunks[1];
            noise_pred = noise_pred_uncond.Plus((noise_pred_text - noise_pred_uncond).Times(g));
        }

        return schedulerStep(noise_pred, timestep, sample).MoveToOuterDisposeScope();
    }

    private void CheckConditioning(Tensor latents, Tensor promptEmbeddings, bool guided)
    {
        if (latents.ndim != 4 || latents.shape[0] < 1 || latents.shape[1] != Unet.Config.InChannels)
        {
            throw new ArgumentException(
                $"latents must be [n, {Unet.Config.InChannels}, h, w]; got [{string.Join(", ", latents.shape)}].", nameof(latents));
        }

        long rows = guided ? 2 * latents.shape[0] : latents.shape[0];
        if (promptEmbeddings.ndim != 3 || promptEmbeddings.shape[0] != rows)
        {
            string expected = guided ? $"[2n = {rows}, L, hidden] (unconditional rows first; guidance scale > 1)" : $"[n = {rows}, L, hidden]";
            throw new ArgumentException(
                $"promptEmbeddings must be {expected} for latents of batch {latents.shape[0]}; got [{string.Join(", ", promptEmbeddings.shape)}].",
                nameof(promptEmbeddings));
        }
    }
}
