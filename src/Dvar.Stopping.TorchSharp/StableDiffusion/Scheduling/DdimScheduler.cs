using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>Deterministic DDIM sampling (η = 0) for generating images, as diffusers' <c>DDIMScheduler</c>.</summary>
/// <remarks>
/// <para>Call <see cref="SetTimesteps"/> once, then <see cref="Step"/> for each returned timestep in order. With Δ = T div N
/// (N inference steps) and ᾱ_prev = ᾱ_{t−Δ}, or, when t − Δ &lt; 0, 1 if <c>set_alpha_to_one</c> else ᾱ_0:</para>
/// <para>ε-prediction: <c>x̂_0 = (x_t − √(1 − ᾱ_t) · ε̂) / √ᾱ_t</c>; v-prediction: <c>x̂_0 = √ᾱ_t · x_t − √(1 − ᾱ_t) · v̂</c>,
/// <c>ε̂ = √ᾱ_t · v̂ + √(1 − ᾱ_t) · x_t</c>; x̂_0 is clamped to ±<c>clip_sample_range</c> when <c>clip_sample</c> is set; then
/// <c>x_{t−Δ} = √ᾱ_prev · x̂_0 + √(1 − ᾱ_prev) · ε̂</c>. Coefficients are float32 scalars, as in diffusers.</para>
/// <para>Not thread-safe: <see cref="SetTimesteps"/> changes the state <see cref="Step"/> reads.</para>
/// </remarks>
public sealed class DdimScheduler : IDisposable
{
    private readonly NoiseSchedule _schedule;
    private int[] _timesteps = [];

    /// <summary>Initializes a new instance of the <see cref="DdimScheduler"/> class.</summary>
    /// <param name="config">The schedule (any diffusers scheduler config; SD v1.5's PNDM config works as is).</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The config holds an unsupported value (including a <c>timestep_spacing</c> other than
    /// <c>"leading"</c>); the message names the key.</exception>
    public DdimScheduler(DdpmSchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (config.TimestepSpacing != TimestepSpacing.Leading)
        {
            throw new ArgumentException(
                $"timestep_spacing = \"{SnakeCaseEnumJsonConverter<TimestepSpacing>.NameOf(config.TimestepSpacing)}\" is not supported by {nameof(DdimScheduler)}; expected \"leading\" ({nameof(PndmScheduler)} supports every spacing).",
                nameof(config));
        }

        Config = config;
        _schedule = new NoiseSchedule(config);
        FinalAlphaCumprod = config.SetAlphaToOne ? 1f : _schedule.AlphasCumprodValues[0];
    }

    /// <summary>Gets the config this scheduler was built from.</summary>
    public DdpmSchedulerConfig Config { get; }

    /// <summary>Gets ᾱ_t for t = 0..T−1 (float32 [T], CPU). Owned by the scheduler: do not dispose or modify.</summary>
    public Tensor AlphasCumprod => _schedule.AlphasCumprod;

    /// <summary>Gets the ᾱ used as "previous" at the last step.</summary>
    /// <value>1 when <c>set_alpha_to_one</c> is true, else ᾱ_0.</value>
    public float FinalAlphaCumprod { get; }

    /// <summary>Gets the timesteps set by <see cref="SetTimesteps"/>, noisiest first.</summary>
    /// <value>Empty until <see cref="SetTimesteps"/> is called.</value>
    public IReadOnlyList<int> Timesteps => _timesteps;

    /// <summary>Creates a scheduler from a <c>scheduler_config.json</c>-style file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The scheduler.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or holds an unsupported value; the message names the file.</exception>
    public static DdimScheduler FromConfig(string path)
    {
        var config = DdpmSchedulerConfig.FromFile(path);
        try
        {
            return new DdimScheduler(config);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Creates a scheduler from a diffusers pipeline's <c>scheduler/</c> folder.</summary>
    /// <param name="folder">The folder holding <c>scheduler_config.json</c>.</param>
    /// <returns>The scheduler.</returns>
    /// <exception cref="FileNotFoundException"><c>scheduler_config.json</c> does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or holds an unsupported value; the message names the file.</exception>
    public static DdimScheduler FromPretrained(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return FromConfig(Path.Combine(folder, "scheduler_config.json"));
    }

    /// <summary>Chooses N inference timesteps with "leading" spacing: <c>t_i = i · (T div N) + steps_offset</c>, i = N−1..0.</summary>
    /// <param name="numInferenceSteps">N, in [1, T].</param>
    /// <returns>The timesteps, noisiest first (SD v1.5, N = 50: 981, 961, ..., 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException">N is outside [1, T], or the largest timestep would reach T.</exception>
    public IReadOnlyList<int> SetTimesteps(int numInferenceSteps)
    {
        var timesteps = InferenceTimesteps.Ascending(Config, numInferenceSteps);
        Array.Reverse(timesteps);
        _timesteps = timesteps;
        return timesteps;
    }

    /// <summary>One DDIM step from x_t to x_{t−Δ}.</summary>
    /// <param name="modelOutput">The model's prediction (ε or v, per <c>prediction_type</c>) for <paramref name="sample"/>.</param>
    /// <param name="timestep">t, the current timestep (normally the next entry of <see cref="Timesteps"/>).</param>
    /// <param name="sample">x_t, in a floating dtype, the same shape as <paramref name="modelOutput"/>.</param>
    /// <returns>x_{t−Δ} with <paramref name="sample"/>'s shape, dtype and device; the caller owns it.</returns>
    /// <exception cref="InvalidOperationException"><see cref="SetTimesteps"/> has not been called.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the sample is not floating.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestep"/> is outside [0, T).</exception>
    public Tensor Step(Tensor modelOutput, int timestep, Tensor sample)
    {
        var output = StepWithPrediction(modelOutput, timestep, sample);
        output.PredOriginalSample.Dispose();
        return output.PrevSample;
    }

    /// <summary>One DDIM step, also returning the predicted x_0.</summary>
    /// <param name="modelOutput">The model's prediction (ε or v, per <c>prediction_type</c>) for <paramref name="sample"/>.</param>
    /// <param name="timestep">t, the current timestep.</param>
    /// <param name="sample">x_t, in a floating dtype, the same shape as <paramref name="modelOutput"/>.</param>
    /// <returns>x_{t−Δ} and x̂_0, both with <paramref name="sample"/>'s shape, dtype and device; the caller owns both.</returns>
    /// <exception cref="InvalidOperationException"><see cref="SetTimesteps"/> has not been called.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the sample is not floating.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestep"/> is outside [0, T).</exception>
    public DdimStepOutput StepWithPrediction(Tensor modelOutput, int timestep, Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        if (_timesteps.Length == 0)
        {
            throw new InvalidOperationException("Call SetTimesteps before Step.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(timestep);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(timestep, Config.NumTrainTimesteps);
        if (!sample.is_floating_point() || !sample.shape.SequenceEqual(modelOutput.shape))
        {
            throw new ArgumentException(
                $"sample ({sample.dtype} [{string.Join(", ", sample.shape)}]) must be floating and shaped like modelOutput ([{string.Join(", ", modelOutput.shape)}]).",
                nameof(sample));
        }

        var previous = timestep - (Config.NumTrainTimesteps / _timesteps.Length);
        var alphaProd = _schedule.AlphasCumprodValues[timestep];
        var alphaProdPrev = previous >= 0 ? _schedule.AlphasCumprodValues[previous] : FinalAlphaCumprod;
        var sqrtAlphaProd = MathF.Sqrt(alphaProd);
        var sqrtBetaProd = MathF.Sqrt(1f - alphaProd);

        using var scope = NewDisposeScope();
        Tensor predOriginal;
        Tensor predEpsilon;
        if (Config.PredictionType == PredictionType.VPrediction)
        {
            predOriginal = sample.Times(sqrtAlphaProd) - modelOutput.Times(sqrtBetaProd);
            predEpsilon = modelOutput.Times(sqrtAlphaProd).Plus(sample.Times(sqrtBetaProd));
        }
        else
        {
            predOriginal = (sample - modelOutput.Times(sqrtBetaProd)).DividedBy(sqrtAlphaProd);
            predEpsilon = modelOutput;
        }

        if (Config.ClipSample)
        {
            predOriginal = predOriginal.ClampedTo(-Config.ClipSampleRange, Config.ClipSampleRange);
        }

        var prevSample = predOriginal.Times(MathF.Sqrt(alphaProdPrev)).Plus(predEpsilon.Times(MathF.Sqrt(1f - alphaProdPrev)));
        return new DdimStepOutput(prevSample.MoveToOuterDisposeScope(), predOriginal.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public void Dispose() => _schedule.Dispose();
}
