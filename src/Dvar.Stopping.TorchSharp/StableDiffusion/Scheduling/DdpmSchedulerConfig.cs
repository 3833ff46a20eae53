using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>The noise schedule of a diffusers scheduler, read from <c>scheduler/scheduler_config.json</c>.</summary>
/// <remarks>
/// Any diffusers scheduler class (<c>_class_name</c> PNDMScheduler, DDPMScheduler, DDIMScheduler, ...) gives the same
/// training schedule from the same <c>num_train_timesteps</c>, <c>beta_*</c> and <c>trained_betas</c>, so every class name
/// is accepted. Keys this library does not use (<c>variance_type</c>, ...) are ignored; missing keys take diffusers' defaults
/// (listed on each property; where DDIM's and PNDM's defaults differ, <see cref="FromFile"/> takes PNDM's for a file whose
/// <c>_class_name</c> is <c>PNDMScheduler</c>, as diffusers' saved config of that class would hold, see <see cref="SetAlphaToOne"/>). Strings are parsed into enums when read; unsupported values are
/// rejected naming the key and the accepted values. SD v1.5: 1000 steps, <c>scaled_linear</c> 0.00085 to 0.012,
/// <c>epsilon</c>, <c>steps_offset</c> 1, <c>leading</c>, <c>clip_sample</c> false, <c>set_alpha_to_one</c> false.
/// </remarks>
public sealed record DdpmSchedulerConfig
{
    /// <summary>The diffusers class that wrote the file (informational).</summary>
    /// <value>Any name, or null. Default null.</value>
    [JsonPropertyName("_class_name")]
    public string? ClassName { get; init; }

    /// <summary>The number of training timesteps T; timesteps are 0..T−1.</summary>
    /// <value>At least 1. Default 1000.</value>
    [JsonPropertyName("num_train_timesteps")]
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary>β at the first timestep (for the linear schedules).</summary>
    /// <value>In (0, 1). Default 0.0001 (SD v1.5: 0.00085).</value>
    [JsonPropertyName("beta_start")]
    public double BetaStart { get; init; } = 0.0001;

    /// <summary>β at the last timestep (for the linear schedules).</summary>
    /// <value>In (0, 1). Default 0.02 (SD v1.5: 0.012).</value>
    [JsonPropertyName("beta_end")]
    public double BetaEnd { get; init; } = 0.02;

    /// <summary>How β grows.</summary>
    /// <value><c>"linear"</c>, <c>"scaled_linear"</c> or <c>"squaredcos_cap_v2"</c>. Default <see cref="BetaSchedule.Linear"/>.</value>
    [JsonPropertyName("beta_schedule")]
    [JsonConverter(typeof(SnakeCaseEnumJsonConverter<BetaSchedule>))]
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.Linear;

    /// <summary>Explicit β values that replace <see cref="BetaSchedule"/> when given.</summary>
    /// <value>Null, or <see cref="NumTrainTimesteps"/> values in (0, 1). Default null.</value>
    [JsonPropertyName("trained_betas")]
    public IReadOnlyList<double>? TrainedBetas { get; init; }

    /// <summary>What the model predicts, which sets the training target and the sampler's update.</summary>
    /// <value><c>"epsilon"</c> or <c>"v_prediction"</c>. Default <see cref="PredictionType.Epsilon"/>.</value>
    [JsonPropertyName("prediction_type")]
    [JsonConverter(typeof(SnakeCaseEnumJsonConverter<PredictionType>))]
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>The offset added to every inference timestep.</summary>
    /// <value>In [0, T). Default 0 (SD v1.5: 1).</value>
    [JsonPropertyName("steps_offset")]
    public int StepsOffset { get; init; }

    /// <summary>How inference timesteps are spaced.</summary>
    /// <value><c>"leading"</c>, <c>"trailing"</c> or <c>"linspace"</c> (<see cref="DdimScheduler"/> supports
    /// <c>"leading"</c> only). Default <see cref="TimestepSpacing.Leading"/>.</value>
    [JsonPropertyName("timestep_spacing")]
    [JsonConverter(typeof(SnakeCaseEnumJsonConverter<TimestepSpacing>))]
    public TimestepSpacing TimestepSpacing { get; init; } = TimestepSpacing.Leading;

    /// <summary>Whether the sampler clamps its predicted x_0 to ±<see cref="ClipSampleRange"/>.</summary>
    /// <value>Default true (diffusers' DDPM/DDIM default; SD v1.5: false).</value>
    [JsonPropertyName("clip_sample")]
    public bool ClipSample { get; init; } = true;

    /// <summary>The clamp bound used when <see cref="ClipSample"/> is true.</summary>
    /// <value>Finite and positive. Default 1.</value>
    [JsonPropertyName("clip_sample_range")]
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>Whether the sampler's last step uses ᾱ = 1 (true) or ᾱ_0 (false) as the "previous" ᾱ.</summary>
    /// <value>Default true (diffusers' DDIM default; SD v1.5: false). diffusers' PNDMScheduler defaults to false:
    /// <see cref="FromFile"/> gives a <c>PNDMScheduler</c> file without the key false, and <see cref="PndmScheduler.FromConfig"/>
    /// any file without it.</value>
    [JsonPropertyName("set_alpha_to_one")]
    public bool SetAlphaToOne { get; init; } = true;

    /// <summary>Whether PNDM skips its Runge-Kutta warm-up steps and runs linear multistep (PLMS) steps only.</summary>
    /// <value>Default false (diffusers' PNDMScheduler default; SD v1.5: true). Read by <see cref="PndmScheduler"/> only, which
    /// supports true only.</value>
    [JsonPropertyName("skip_prk_steps")]
    public bool SkipPrkSteps { get; init; }

    /// <summary>Dynamic thresholding of the predicted x_0. Only false is supported.</summary>
    /// <value>False. Default false.</value>
    [JsonPropertyName("thresholding")]
    public bool Thresholding { get; init; }

    /// <summary>Rescaling β to zero terminal SNR. Only false is supported.</summary>
    /// <value>False. Default false.</value>
    [JsonPropertyName("rescale_betas_zero_snr")]
    public bool RescaleBetasZeroSnr { get; init; }

    /// <summary>Reads a <c>scheduler_config.json</c>-style file and validates it.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The config; a file naming <c>PNDMScheduler</c> without <c>set_alpha_to_one</c> gets PNDM's default, false.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or holds an unsupported value; the message names the
    /// file and the key.</exception>
    public static DdpmSchedulerConfig FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var config = ConfigJson.Read<DdpmSchedulerConfig>(path);
        if (config.ClassName == "PNDMScheduler" && !HasKey(path, "set_alpha_to_one"))
        {
            config = config with { SetAlphaToOne = false };
        }
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        return config;
    }

    /// <summary>Whether the top-level object of a JSON file (known to parse) has a key.</summary>
    /// <param name="path">The file.</param>
    /// <param name="key">The key.</param>
    /// <returns>True when the key is present, whatever its value.</returns>
    internal static bool HasKey(string path, string key)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(key, out _);
    }

    /// <summary>Checks every value at once.</summary>
    /// <exception cref="ArgumentException">A value is out of range or unsupported; the message names the key and value.</exception>
    internal void Validate()
    {
        var errors = new List<string>();
        if (NumTrainTimesteps < 1)
        {
            errors.Add($"num_train_timesteps must be at least 1; got {NumTrainTimesteps}");
        }

        if (TrainedBetas is null)
        {
            CheckBeta(errors, "beta_start", BetaStart);
            CheckBeta(errors, "beta_end", BetaEnd);
        }
        else if (TrainedBetas.Count != NumTrainTimesteps)
        {
            errors.Add($"trained_betas has {TrainedBetas.Count} values; expected num_train_timesteps = {NumTrainTimesteps}");
        }
        else
        {
            for (var i = 0; i < TrainedBetas.Count; i++)
            {
                CheckBeta(errors, $"trained_betas[{i}]", TrainedBetas[i]);
            }
        }

        CheckDefined(errors, "beta_schedule", BetaSchedule);
        CheckDefined(errors, "prediction_type", PredictionType);
        CheckDefined(errors, "timestep_spacing", TimestepSpacing);
        if (StepsOffset < 0 || StepsOffset >= Math.Max(NumTrainTimesteps, 1))
        {
            errors.Add($"steps_offset must be in [0, num_train_timesteps); got {StepsOffset}");
        }

        if (!double.IsFinite(ClipSampleRange) || ClipSampleRange <= 0)
        {
            errors.Add($"clip_sample_range must be finite and positive; got {ClipSampleRange}");
        }

        if (Thresholding)
        {
            errors.Add("thresholding = true is not supported; expected false");
        }

        if (RescaleBetasZeroSnr)
        {
            errors.Add("rescale_betas_zero_snr = true is not supported; expected false");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(DdpmSchedulerConfig)}: {string.Join("; ", errors)}.");
        }
    }

    private static void CheckBeta(List<string> errors, string key, double value)
    {
        if (!(value > 0 && value < 1))
        {
            errors.Add($"{key} must be in (0, 1); got {value}");
        }
    }

    private static void CheckDefined<TEnum>(List<string> errors, string key, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add($"{key} = {value} is not supported; expected one of {SnakeCaseEnumJsonConverter<TEnum>.AcceptedNames}");
        }
    }
}
