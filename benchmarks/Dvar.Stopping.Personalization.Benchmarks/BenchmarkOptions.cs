using System.Globalization;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>The command line: which pipeline and methods to time, how often, on which device.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage =
        "usage: Dvar.Stopping.Personalization.Benchmarks [--pipeline tiny|full] [--method textual-inversion|dreambooth-lora|custom-diffusion] "
        + "[--resolution PX] [--warmup N] [--runs N] [--threads N] [--device cpu|cuda] [--dtype float32|float16|bfloat16] [--model DIR] [--fixtures DIR] [--rescore-demo DIR [--samples N]] "
        + "[--clip-s STEPS] [--skip-ldet] [--augmentation] [--small-eval-batch N] [--decision demo|tiny]";

    /// <summary>The name under which Custom Diffusion with diffusers' rescale augmentation is timed (<see cref="Augmentation"/>).</summary>
    public const string AugmentedCustomDiffusion = "custom-diffusion-augmented";

    /// <summary>Gets "tiny" (the sd-tiny fixture) or "full" (SD1.5's configs with random weights, or --model).</summary>
    public string Pipeline { get; init; } = "tiny";

    /// <summary>Gets one method, or null for all three.</summary>
    public string? Method { get; init; }

    /// <summary>Gets the image side in pixels, or null for the pipeline's default (tiny 32 px = 16x16 latents; full 256 px = 32x32 latents).</summary>
    public int? Resolution { get; init; }

    /// <summary>Gets the untimed warm-up runs of each phase (null: 3 tiny, 1 full).</summary>
    public int? Warmup { get; init; }

    /// <summary>Gets the timed runs of each phase (null: 20 tiny, 3 full).</summary>
    public int? Runs { get; init; }

    /// <summary>Gets libtorch's intra-op thread count, or null for its default (one per core).</summary>
    public int? Threads { get; init; }

    /// <summary>Gets "cpu" or "cuda".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Gets the frozen models' dtype; float16 or bfloat16 is measured beside float32, interleaved in the same run.</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Gets a real diffusers folder to use instead of the random-weight full-size pipeline, or null.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the tests/fixtures folder.</summary>
    public string Fixtures { get; init; } = FindFixtures();

    /// <summary>Gets the denoising steps of a timed CLIP-s check (8 samples and their CLIP scores), or null for no check.</summary>
    public int? ClipSSteps { get; init; }

    /// <summary>Gets whether to skip the L_det timings (to time the training step and the CLIP-s check only).</summary>
    public bool SkipDeterministicLoss { get; init; }

    /// <summary>Gets whether to time Custom Diffusion a second time with diffusers' rescale augmentation (a VAE encode of the
    /// augmented photos per step), after the plain run in the same process.</summary>
    public bool Augmentation { get; init; }

    /// <summary>Gets the smaller L_det batch timed beside batch 8 (2: the training batch; 4: the authors' code's default).</summary>
    public int SmallEvaluationBatch { get; init; } = 2;

    /// <summary>Gets the dtypes to measure: float32, then <see cref="Dtype"/> when it is another.</summary>
    public IReadOnlyList<string> Dtypes => Dtype == "float32" ? ["float32"] : ["float32", Dtype];

    /// <summary>Gets a <c>dvar demo</c> output folder whose DVAR and budget runs to score again with more samples, instead of timings, or null.</summary>
    public string? RescoreDemo { get; init; }

    /// <summary>Gets the training-prompt samples per seed of <see cref="RescoreDemo"/>.</summary>
    public int Samples { get; init; } = 512;

    /// <summary>Gets "demo" or "tiny" to measure DVAR's decision per configuration (dtype, L_det batch, frequency) instead of timings, or null.</summary>
    public string? Decision { get; init; }

    public bool IsFull => Pipeline == "full";

    public int EffectiveWarmup => Warmup ?? (IsFull ? 1 : 3);

    public int EffectiveRuns => Runs ?? (IsFull ? 3 : 20);

    public IReadOnlyList<string> Methods =>
        Augmentation ? ["custom-diffusion", AugmentedCustomDiffusion]
        : Method is { } one ? [one] : ["textual-inversion", "dreambooth-lora", "custom-diffusion"];

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (int i = 0; i < args.Length; i += 2)
        {
            string name = args[i];
            if (name is "--skip-ldet" or "--augmentation")
            {
                options = name == "--skip-ldet" ? options with { SkipDeterministicLoss = true } : options with { Augmentation = true };
                i--;
                continue;
            }

            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value. {Usage}");
            options = name switch
            {
                "--pipeline" when value is "tiny" or "full" => options with { Pipeline = value },
                "--method" when value is "textual-inversion" or "dreambooth-lora" or "custom-diffusion" => options with { Method = value },
                "--resolution" => options with { Resolution = Integer(name, value) },
                "--warmup" => options with { Warmup = Integer(name, value, minimum: 0) },
                "--runs" => options with { Runs = Integer(name, value) },
                "--threads" => options with { Threads = Integer(name, value) },
                "--device" when value is "cpu" or "cuda" => options with { Device = value },
                "--dtype" when value is "float32" or "float16" or "bfloat16" => options with { Dtype = value },
                "--model" => options with { Model = value, Pipeline = "full" },
                "--fixtures" => options with { Fixtures = value },
                "--clip-s" => options with { ClipSSteps = Integer(name, value) },
                "--decision" when value is "demo" or "tiny" => options with { Decision = value },
                "--small-eval-batch" => options with { SmallEvaluationBatch = Integer(name, value) },
                "--rescore-demo" => options with { RescoreDemo = value },
                "--samples" => options with { Samples = Integer(name, value) },
                _ => throw new ArgumentException($"unknown option or value: {name} {value}. {Usage}"),
            };
        }

        if (options.Augmentation && options.Method is not (null or "custom-diffusion"))
        {
            throw new ArgumentException($"--augmentation times Custom Diffusion only; drop --method {options.Method}. {Usage}");
        }

        return options;
    }

    /// <summary>An integer option of at least <paramref name="minimum"/>.</summary>
    private static int Integer(string name, string value, int minimum = 1) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= minimum
            ? n
            : throw new ArgumentException($"{name} must be an integer of at least {minimum}; got '{value}'.");

    /// <summary>The nearest tests/fixtures folder above the program (the repository's), or a relative guess.</summary>
    private static string FindFixtures() =>
        Ancestors(new DirectoryInfo(AppContext.BaseDirectory))
            .Select(dir => Path.Combine(dir.FullName, "tests", "fixtures"))
            .FirstOrDefault(candidate => File.Exists(Path.Combine(candidate, "README.md")))
        ?? Path.Combine("tests", "fixtures");

    private static IEnumerable<DirectoryInfo> Ancestors(DirectoryInfo? dir)
    {
        for (; dir is not null; dir = dir.Parent)
        {
            yield return dir;
        }
    }
}
