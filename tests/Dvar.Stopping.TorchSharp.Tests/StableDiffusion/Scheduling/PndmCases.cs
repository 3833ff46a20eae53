using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

/// <summary>The <c>tests/fixtures/pndm</c> cases: diffusers v0.26.3's PNDMScheduler timestep lists and sampling loops (see the
/// folder's README.md and generate.py).</summary>
public sealed class PndmCases : IDisposable
{
    private static readonly Lazy<JsonObject> LazyDocument = new(() =>
        JsonNode.Parse(File.ReadAllText(FixturePaths.Get("pndm", "cases.json")))!.AsObject());

    private readonly Dictionary<string, Tensor> _tensors = SafetensorsFile.ReadAll(FixturePaths.Get("pndm", "cases.safetensors"));

    /// <summary>Gets the parsed cases.json.</summary>
    public static JsonObject Document => LazyDocument.Value;

    /// <summary>Gets SD v1.5's scheduler config file, the base of every case.</summary>
    public static string Sd15ConfigPath => FixturePaths.Get("sd15-structure", "scheduler", "scheduler_config.json");

    /// <summary>Gets the absolute tolerance of cases.json.</summary>
    public static double Atol => Document["tolerance"]!["atol"]!.GetValue<double>();

    /// <summary>Gets the relative tolerance of cases.json.</summary>
    public static double Rtol => Document["tolerance"]!["rtol"]!.GetValue<double>();

    /// <summary>Gets (config, spacing, N) of every timestep case.</summary>
    public static TheoryData<string, string, int> TimestepCases
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach (var item in Document["timestep_cases"]!.AsArray())
            {
                data.Add(item!["config"]!.GetValue<string>(), item["timestep_spacing"]!.GetValue<string>(), item["num_inference_steps"]!.GetValue<int>());
            }

            return data;
        }
    }

    /// <summary>Gets the name of every sampling-loop case.</summary>
    public static TheoryData<string> LoopCases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var item in Document["loop_cases"]!.AsArray())
            {
                data.Add(item!["name"]!.GetValue<string>());
            }

            return data;
        }
    }

    /// <summary>A stored tensor (owned by this fixture).</summary>
    public Tensor this[string key] => _tensors[key];

    /// <summary>The timestep case of those values.</summary>
    public static JsonObject TimestepCase(string config, string spacing, int steps) =>
        Document["timestep_cases"]!.AsArray().Single(c =>
            c!["config"]!.GetValue<string>() == config && c["timestep_spacing"]!.GetValue<string>() == spacing
            && c["num_inference_steps"]!.GetValue<int>() == steps)!.AsObject();

    /// <summary>The loop case of that name.</summary>
    public static JsonObject LoopCase(string name) =>
        Document["loop_cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();

    /// <summary>The config file of a case's config name (sd15 or sd_tiny).</summary>
    public static string ConfigPath(string config) => config switch
    {
        "sd15" => Sd15ConfigPath,
        "sd_tiny" => FixturePaths.Get("sd-tiny", "scheduler", "scheduler_config.json"),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config, "Unknown config name."),
    };

    /// <summary>SD v1.5's config with a loop case's overrides (timestep_spacing, set_alpha_to_one, prediction_type).</summary>
    public static DdpmSchedulerConfig Config(JsonObject overrides)
    {
        var config = DdpmSchedulerConfig.FromFile(Sd15ConfigPath);
        if (overrides["timestep_spacing"] is { } spacing)
        {
            config = config with { TimestepSpacing = ParseSpacing(spacing.GetValue<string>()) };
        }

        if (overrides["set_alpha_to_one"] is { } alphaOne)
        {
            config = config with { SetAlphaToOne = alphaOne.GetValue<bool>() };
        }

        if (overrides["prediction_type"] is { } prediction)
        {
            config = config with
            {
                PredictionType = prediction.GetValue<string>() switch
                {
                    "epsilon" => PredictionType.Epsilon,
                    "v_prediction" => PredictionType.VPrediction,
                    var other => throw new ArgumentOutOfRangeException(nameof(overrides), other, "Unknown prediction_type."),
                },
            };
        }

        return config;
    }

    /// <summary>A diffusers <c>timestep_spacing</c> name as the enum.</summary>
    public static TimestepSpacing ParseSpacing(string name) => name switch
    {
        "leading" => TimestepSpacing.Leading,
        "trailing" => TimestepSpacing.Trailing,
        "linspace" => TimestepSpacing.Linspace,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown timestep_spacing."),
    };

    /// <summary>The fixture's stand-in denoiser: <c>0.1 · sample + sin(t / 100)</c> (float32, the sine a double scalar).</summary>
    public static Tensor ModelOutput(Tensor sample, int t) => (0.1 * sample) + Math.Sin(t / 100.0);

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
