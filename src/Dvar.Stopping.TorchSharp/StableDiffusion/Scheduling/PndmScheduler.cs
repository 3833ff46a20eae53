using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>PNDM sampling in its PLMS form (<c>skip_prk_steps</c> true), as diffusers' <c>PNDMScheduler</c>: the scheduler
/// Stable Diffusion v1.5's <c>scheduler_config.json</c> names.</summary>
/// <remarks>
/// <para>Call <see cref="SetTimesteps"/> once, then <see cref="Step"/> once for each returned timestep, in order: the
/// scheduler keeps the last four model outputs (the linear multistep history) and a step counter between calls, so a
/// sampling loop needs its own instance (or a new <see cref="SetTimesteps"/>, which resets the history).</para>
/// <para>Timesteps: the N inference timesteps t_0 &lt; ... &lt; t_{N−1} of <c>timestep_spacing</c> (see
/// <see cref="TimestepSpacing"/>) are visited as <c>t_{N−1}, t_{N−2}, t_{N−2}, t_{N−3}, ..., t_0</c>: the second one is
/// repeated, so N ≥ 2 steps take N + 1 model evaluations (N = 1: one).</para>
/// <para>Step k (counter k) with model output e_k, Δ = T div N: the history keeps e_k (except at k = 1) and the output used is
/// e_0 at k = 0; (e_1 + e_0)/2 at k = 1, applied again to the sample of step 0 from t + Δ to t (a second-order start);
/// (3e_k − e_{k−2})/2 with two outputs kept; (23e − 16e' + 5e'')/12 with three; (55e − 59e' + 37e'' − 9e''')/24 with four
/// (newest first). Then, with ᾱ = ᾱ_t, ᾱ' = ᾱ_{t−Δ} (or, for t − Δ &lt; 0, 1 if <c>set_alpha_to_one</c> else ᾱ_0) and ε the
/// output (for <c>v_prediction</c> first turned into <c>√ᾱ · v + √(1 − ᾱ) · x</c>):
/// <c>x' = √(ᾱ'/ᾱ) · x − (ᾱ' − ᾱ) · ε / (ᾱ · √(1 − ᾱ') + √(ᾱ · (1 − ᾱ) · ᾱ'))</c>. Coefficients are float32 scalars, as in
/// diffusers; <c>init_noise_sigma</c> is 1 and the model input is not scaled.</para>
/// <para>Only the PLMS form is implemented: a config with <c>skip_prk_steps</c> false (PNDM's Runge-Kutta warm-up) is
/// refused with <see cref="NotSupportedException"/>. <c>clip_sample</c> is ignored, as by diffusers' PNDMScheduler.</para>
/// <para>Not thread-safe: <see cref="Step"/> changes the scheduler's state.</para>
/// </remarks>
public sealed class PndmScheduler : IDisposable
{
    private readonly NoiseSchedule _schedule;
    private readonly List<Tensor> _ets = [];
    private int[] _timesteps = [];
    private int _numInferenceSteps;
    private int _counter;
    private Tensor? _curSample;

    /// <summary>Initializes a new instance of the <see cref="PndmScheduler"/> class.</summary>
    /// <param name="config">The schedule, with <see cref="DdpmSchedulerConfig.SkipPrkSteps"/> true (SD v1.5's file works as
    /// is). Its <see cref="DdpmSchedulerConfig.SetAlphaToOne"/> is used as given; note that a config built in code defaults
    /// to DDIM's true, PNDM's default is false.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The config holds an unsupported value; the message names the key.</exception>
    /// <exception cref="NotSupportedException"><c>skip_prk_steps</c> is false: the Runge-Kutta (PRK) steps are not implemented.</exception>
    public PndmScheduler(DdpmSchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!config.SkipPrkSteps)
        {
            throw new NotSupportedException(
                "skip_prk_steps = false (PNDM's Runge-Kutta warm-up steps) is not supported; PndmScheduler implements the PLMS form, skip_prk_steps = true, which Stable Diffusion v1.5 uses.");
        }

        Config = config;
        _schedule = new NoiseSchedule(config);
        FinalAlphaCumprod = config.SetAlphaToOne ? 1f : _schedule.AlphasCumprodValues[0];
    }

    /// <summary>Gets the config this scheduler was built from.</summary>
    public DdpmSchedulerConfig Config { get; }

    /// <summary>Gets ᾱ_t for t = 0..T−1 (float32 [T], CPU). Owned by the scheduler: do not dispose or modify.</summary>
    public Tensor AlphasCumprod => _schedule.AlphasCumprod;

    /// <summary>Gets the ᾱ used as "previous" when t − Δ &lt; 0.</summary>
    /// <value>1 when <c>set_alpha_to_one</c> is true, else ᾱ_0.</value>
    public float FinalAlphaCumprod { get; }

    /// <summary>Gets the standard deviation of the initial noise.</summary>
    /// <value>Always 1: initial latents are used as drawn.</value>
    public float InitNoiseSigma => 1f;

    /// <summary>Gets the timesteps set by <see cref="SetTimesteps"/>, in the order <see cref="Step"/> visits them.</summary>
    /// <value>Empty until <see cref="SetTimesteps"/> is called; N + 1 entries for N ≥ 2 inference steps, the second repeated.</value>
    public IReadOnlyList<int> Timesteps => _timesteps;

    /// <summary>Creates a scheduler from a <c>scheduler_config.json</c>-style file, with PNDMScheduler's defaults for missing keys.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The scheduler.</returns>
    /// <remarks>A file without <c>set_alpha_to_one</c> gets PNDMScheduler's default, false (not <see cref="DdpmSchedulerConfig"/>'s
    /// DDIM default); a file without <c>skip_prk_steps</c> gets false, which is refused.</remarks>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or holds an unsupported value; the message names the file.</exception>
    /// <exception cref="NotSupportedException"><c>skip_prk_steps</c> is false or missing.</exception>
    public static PndmScheduler FromConfig(string path)
    {
        var config = DdpmSchedulerConfig.FromFile(path);
        if (!DdpmSchedulerConfig.HasKey(path, "set_alpha_to_one"))
        {
            config = config with { SetAlphaToOne = false };
        }

        return new PndmScheduler(config);
    }

    /// <summary>Creates a scheduler from a diffusers pipeline's <c>scheduler/</c> folder (see <see cref="FromConfig"/>).</summary>
    /// <param name="folder">The folder holding <c>scheduler_config.json</c>.</param>
    /// <returns>The scheduler.</returns>
    /// <exception cref="FileNotFoundException"><c>scheduler_config.json</c> does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or holds an unsupported value; the message names the file.</exception>
    /// <exception cref="NotSupportedException"><c>skip_prk_steps</c> is false or missing.</exception>
    public static PndmScheduler FromPretrained(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return FromConfig(Path.Combine(folder, "scheduler_config.json"));
    }

    /// <summary>Chooses the timesteps of N inference steps and resets the multistep history.</summary>
    /// <param name="numInferenceSteps">N, in [1, T].</param>
    /// <returns>The timesteps in the order to visit them (SD v1.5, N = 50: 981, 961, 961, 941, ..., 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException">N is outside [1, T], or a timestep would reach T (leading spacing with
    /// <c>steps_offset</c> &gt; 0 and N near T).</exception>
    public IReadOnlyList<int> SetTimesteps(int numInferenceSteps)
    {
        var ascending = InferenceTimesteps.Ascending(Config, numInferenceSteps);

        // PLMS order: the ascending list with its second-to-last entry repeated, reversed:
        // t_{N−1}, t_{N−2}, t_{N−2}, t_{N−3}, ..., t_0.
        var n = ascending.Length;
        int[] timesteps;
        if (n == 1)
        {
            timesteps = [ascending[0]];
        }
        else
        {
            timesteps = new int[n + 1];
            timesteps[0] = ascending[n - 1];
            timesteps[1] = ascending[n - 2];
            for (var i = 2; i <= n; i++)
            {
                timesteps[i] = ascending[n - i];
            }
        }

        ResetHistory();
        _numInferenceSteps = numInferenceSteps;
        _timesteps = timesteps;
        return timesteps;
    }

    /// <summary>One PLMS step from x_t to the next sample.</summary>
    /// <param name="modelOutput">The model's prediction (ε or v, per <c>prediction_type</c>) for <paramref name="sample"/>.
    /// The scheduler keeps a copy for later steps.</param>
    /// <param name="timestep">t, the current timestep: the next entry of <see cref="Timesteps"/>.</param>
    /// <param name="sample">x_t, in a floating dtype, the same shape as <paramref name="modelOutput"/>.</param>
    /// <returns>The next sample with <paramref name="sample"/>'s shape, dtype and device; the caller owns it.</returns>
    /// <exception cref="InvalidOperationException"><see cref="SetTimesteps"/> has not been called.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the sample is not floating.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timestep"/> is outside [0, T), or the second step's
    /// <c>t + Δ</c> is.</exception>
    public Tensor Step(Tensor modelOutput, int timestep, Tensor sample)
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

        var ratio = Config.NumTrainTimesteps / _numInferenceSteps;
        var current = timestep;
        var previous = timestep - ratio;
        if (_counter == 1)
        {
            // The repeated timestep: redo step 0's interval (t + Δ to t) from step 0's sample with the averaged output.
            previous = timestep;
            current = timestep + ratio;
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(current, Config.NumTrainTimesteps, nameof(timestep));
        }
        else
        {
            if (_ets.Count > 3)
            {
                _ets[0].Dispose();
                _ets.RemoveAt(0);
            }

            _ets.Add(Keep(modelOutput));
        }

        using var scope = NewDisposeScope();
        Tensor output;
        var from = sample;
        if (_ets.Count == 1 && _counter == 0)
        {
            output = modelOutput;
            _curSample?.Dispose();
            _curSample = Keep(sample);
        }
        else if (_ets.Count == 1 && _counter == 1)
        {
            output = modelOutput.Plus(_ets[^1]).DividedBy(2);
            from = _curSample ?? sample;
        }
        else if (_ets.Count == 2)
        {
            output = (_ets[^1].Times(3) - _ets[^2]).DividedBy(2);
        }
        else if (_ets.Count == 3)
        {
            output = (_ets[^1].Times(23) - _ets[^2].Times(16)).Plus(_ets[^3].Times(5)).DividedBy(12);
        }
        else
        {
            output = ((_ets[^1].Times(55) - _ets[^2].Times(59)).Plus(_ets[^3].Times(37)) - _ets[^4].Times(9)).Times(1.0 / 24);
        }

        var prevSample = PreviousSample(from, current, previous, output).MoveToOuterDisposeScope();
        if (_counter == 1)
        {
            _curSample?.Dispose();
            _curSample = null;
        }

        _counter++;
        return prevSample;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ResetHistory();
        _schedule.Dispose();
    }

    /// <summary>A copy the scheduler owns: detached from autograd and from every dispose scope.</summary>
    private static Tensor Keep(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().clone().DetachFromDisposeScope();
    }

    /// <summary>diffusers' <c>_get_prev_sample</c>: x_t at <paramref name="timestep"/> to the sample at <paramref name="previous"/>.</summary>
    private Tensor PreviousSample(Tensor sample, int timestep, int previous, Tensor modelOutput)
    {
        var alphaProd = _schedule.AlphasCumprodValues[timestep];
        var alphaProdPrev = previous >= 0 ? _schedule.AlphasCumprodValues[previous] : FinalAlphaCumprod;
        var betaProd = 1f - alphaProd;
        var betaProdPrev = 1f - alphaProdPrev;
        using var scope = NewDisposeScope();
        var epsilon = modelOutput;
        if (Config.PredictionType == PredictionType.VPrediction)
        {
            epsilon = modelOutput.Times(MathF.Sqrt(alphaProd)).Plus(sample.Times(MathF.Sqrt(betaProd)));
        }

        var sampleCoeff = MathF.Sqrt(alphaProdPrev / alphaProd);
        var denominator = (alphaProd * MathF.Sqrt(betaProdPrev)) + MathF.Sqrt(alphaProd * betaProd * alphaProdPrev);
        var prev = sample.Times(sampleCoeff) - epsilon.Times(alphaProdPrev - alphaProd).DividedBy(denominator);
        return prev.MoveToOuterDisposeScope();
    }

    private void ResetHistory()
    {
        foreach (var e in _ets)
        {
            e.Dispose();
        }

        _ets.Clear();
        _curSample?.Dispose();
        _curSample = null;
        _counter = 0;
    }
}
