using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>The forward (noising) process of DDPM training: <c>x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε</c> and the training target.</summary>
/// <remarks>Computes β, ᾱ as diffusers' <c>DDPMScheduler</c> does (float32, so the values equal diffusers' bit for bit
/// up to libtorch's own rounding) from any diffusers scheduler config. The schedule tensors live on the CPU and belong to
/// this object; per call, ᾱ is indexed on the timesteps' device and cast to the sample's dtype, so inputs may be on any
/// device and in any floating dtype. Thread-safe.</remarks>
public sealed class DdpmScheduler : IDisposable
{
    private readonly NoiseSchedule _schedule;

    /// <summary>Initializes a new instance of the <see cref="DdpmScheduler"/> class.</summary>
    /// <param name="config">The schedule.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The config holds an unsupported value; the message names the key.</exception>
    public DdpmScheduler(DdpmSchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _schedule = new NoiseSchedule(config);
    }

    /// <summary>Gets the config this scheduler was built from.</summary>
    public DdpmSchedulerConfig Config { get; }

    /// <summary>Gets T, the number of training timesteps.</summary>
    public int NumTrainTimesteps => Config.NumTrainTimesteps;

    /// <summary>Gets β_t for t = 0..T−1 (float32 [T], CPU). Owned by the scheduler: do not dispose or modify.</summary>
    public Tensor Betas => _schedule.Betas;

    /// <summary>Gets ᾱ_t for t = 0..T−1 (float32 [T], CPU). Owned by the scheduler: do not dispose or modify.</summary>
    public Tensor AlphasCumprod => _schedule.AlphasCumprod;

    /// <summary>Creates a scheduler from a <c>scheduler_config.json</c>-style file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The scheduler.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or holds an unsupported value; the message names the file.</exception>
    public static DdpmScheduler FromConfig(string path) => new(DdpmSchedulerConfig.FromFile(path));

    /// <summary>Creates a scheduler from a diffusers pipeline's <c>scheduler/</c> folder.</summary>
    /// <param name="folder">The folder holding <c>scheduler_config.json</c>.</param>
    /// <returns>The scheduler.</returns>
    /// <exception cref="FileNotFoundException"><c>scheduler_config.json</c> does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or holds an unsupported value; the message names the file.</exception>
    public static DdpmScheduler FromPretrained(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return FromConfig(Path.Combine(folder, "scheduler_config.json"));
    }

    /// <summary>Noises clean samples: <c>√ᾱ_t · x_0 + √(1 − ᾱ_t) · ε</c>, with t per batch row.</summary>
    /// <param name="originalSamples">x_0, [B, ...] in a floating dtype.</param>
    /// <param name="noise">ε, the same shape.</param>
    /// <param name="timesteps">t, integer, [B] (or one value for the whole batch), each in [0, T).</param>
    /// <returns>x_t with the shape, dtype and device of <paramref name="originalSamples"/>; the caller owns it.</returns>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or a timestep is outside [0, T); the message names the argument.</exception>
    public Tensor AddNoise(Tensor originalSamples, Tensor noise, Tensor timesteps)
    {
        CheckPair(originalSamples, nameof(originalSamples), noise, nameof(noise));
        using var scope = NewDisposeScope();
        var (sqrtAlphaProd, sqrtOneMinusAlphaProd) = NoiseCoefficients(timesteps, originalSamples);
        return (sqrtAlphaProd * originalSamples).Plus(sqrtOneMinusAlphaProd * noise).MoveToOuterDisposeScope();
    }

    /// <summary>The velocity <c>v = √ᾱ_t · ε − √(1 − ᾱ_t) · x_0</c>, the v-prediction target.</summary>
    /// <param name="sample">x_0, [B, ...] in a floating dtype.</param>
    /// <param name="noise">ε, the same shape.</param>
    /// <param name="timesteps">t, integer, [B] (or one value), each in [0, T).</param>
    /// <returns>v with the shape, dtype and device of <paramref name="sample"/>; the caller owns it.</returns>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or a timestep is outside [0, T).</exception>
    public Tensor GetVelocity(Tensor sample, Tensor noise, Tensor timesteps)
    {
        CheckPair(sample, nameof(sample), noise, nameof(noise));
        using var scope = NewDisposeScope();
        var (sqrtAlphaProd, sqrtOneMinusAlphaProd) = NoiseCoefficients(timesteps, sample);
        return ((sqrtAlphaProd * noise) - (sqrtOneMinusAlphaProd * sample)).MoveToOuterDisposeScope();
    }

    /// <summary>What the model is trained to output for x_t = <see cref="AddNoise"/>(latents, noise, timesteps).</summary>
    /// <param name="latents">x_0, [B, ...] in a floating dtype.</param>
    /// <param name="noise">ε, the same shape.</param>
    /// <param name="timesteps">t, integer, [B] (or one value), each in [0, T).</param>
    /// <returns>ε for <see cref="PredictionType.Epsilon"/> (a new handle on <paramref name="noise"/>'s storage), v
    /// (<see cref="GetVelocity"/>) for <see cref="PredictionType.VPrediction"/>; the caller owns it.</returns>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or a timestep is outside [0, T).</exception>
    public Tensor TrainingTarget(Tensor latents, Tensor noise, Tensor timesteps)
    {
        if (Config.PredictionType == PredictionType.VPrediction)
        {
            return GetVelocity(latents, noise, timesteps);
        }

        CheckPair(latents, nameof(latents), noise, nameof(noise));
        return noise.alias();
    }

    /// <inheritdoc/>
    public void Dispose() => _schedule.Dispose();

    /// <summary>√ᾱ_t and √(1 − ᾱ_t) per batch row, shaped [B or 1, 1, ...] to broadcast against <paramref name="like"/>.</summary>
    /// <param name="timesteps">t, integer, 0-d or 1-d with 1 or B values, each in [0, T).</param>
    /// <param name="like">The sample whose rank, dtype and device the coefficients take.</param>
    /// <returns>The two coefficient tensors, in the current dispose scope.</returns>
    internal (Tensor SqrtAlphaProd, Tensor SqrtOneMinusAlphaProd) NoiseCoefficients(Tensor timesteps, Tensor like)
    {
        // Every tensor made here goes to the caller's dispose scope; none is disposed directly because `to` may return
        // its input (our own ᾱ, or the caller's timesteps) when nothing changes.
        var index = TimestepIndex(timesteps, like);
        var alphaProd = AlphasCumprod.to(timesteps.device).index_select(0, index).to(like.dtype, like.device);
        var shape = new long[like.ndim];
        Array.Fill(shape, 1L);
        shape[0] = index.shape[0];
        return (alphaProd.sqrt().view(shape), alphaProd.SubtractedFrom(1).sqrt().view(shape));
    }

    private static void CheckPair(Tensor sample, string sampleName, Tensor noise, string noiseName)
    {
        ArgumentNullException.ThrowIfNull(sample, sampleName);
        ArgumentNullException.ThrowIfNull(noise, noiseName);
        if (!sample.is_floating_point() || sample.ndim < 1)
        {
            throw new ArgumentException(
                $"{sampleName} must be a floating tensor of shape [B, ...]; got {sample.dtype} [{string.Join(", ", sample.shape)}].", sampleName);
        }

        if (!sample.shape.SequenceEqual(noise.shape))
        {
            throw new ArgumentException(
                $"{noiseName} has shape [{string.Join(", ", noise.shape)}]; expected {sampleName}'s [{string.Join(", ", sample.shape)}].", noiseName);
        }
    }

    private Tensor TimestepIndex(Tensor timesteps, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(timesteps);
        var batch = like.shape[0];
        if (!timesteps.is_integral() || timesteps.ndim > 1 || (timesteps.numel() != 1 && timesteps.numel() != batch))
        {
            throw new ArgumentException(
                $"timesteps must be an integer tensor with 1 or {batch} values; got {timesteps.dtype} [{string.Join(", ", timesteps.shape)}].",
                nameof(timesteps));
        }

        var index = timesteps.to(ScalarType.Int64).flatten();
        long lowest, highest;
        using (var min = index.min())
        using (var max = index.max())
        {
            (lowest, highest) = (min.item<long>(), max.item<long>());
        }

        if (lowest < 0 || highest >= NumTrainTimesteps)
        {
            throw new ArgumentException(
                $"timesteps must be in [0, {NumTrainTimesteps}); got values from {lowest} to {highest}.", nameof(timesteps));
        }

        return index;
    }
}
