using System.Globalization;

namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>The command line: which UNets to measure, how often, and where the fixtures are.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage =
        "usage: Dvar.Stopping.TorchSharp.Benchmarks [--only tiny|full] [--full-runs N] [--full-warmup N] [--tiny-runs N] [--tiny-warmup N] [--latent N] [--threads N] [--fixtures DIR] [--dtype float32|bfloat16|float16] [--skip-weight-grads]";

    /// <summary>Gets the timed runs of the full-size UNet (each a forward, then each a forward+backward).</summary>
    public int FullRuns { get; init; } = 3;

    /// <summary>Gets the untimed warm-up runs of the full-size UNet.</summary>
    public int FullWarmup { get; init; } = 1;

    /// <summary>Gets the timed runs of the tiny fixture UNet.</summary>
    public int TinyRuns { get; init; } = 50;

    /// <summary>Gets the untimed warm-up runs of the tiny fixture UNet.</summary>
    public int TinyWarmup { get; init; } = 5;

    /// <summary>Gets the latent height and width (32 = 256x256 images for SD1.5).</summary>
    public int Latent { get; init; } = 32;

    /// <summary>Gets libtorch's intra-op thread count, or null for its default (one per core).</summary>
    public int? Threads { get; init; }

    /// <summary>Gets "tiny", "full" or null for both.</summary>
    public string? Only { get; init; }

    /// <summary>Gets the dtype compared with float32 in the same run (interleaved), or float32 alone.</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Gets whether to skip forward+backward with every weight's gradient (the slowest phase; a personalization step
    /// freezes the weights, which the frozen-weights training step times).</summary>
    public bool SkipWeightGradients { get; init; }

    /// <summary>Gets the dtypes to measure: float32, then <see cref="Dtype"/> when it is another.</summary>
    public IReadOnlyList<string> Dtypes => Dtype == "float32" ? ["float32"] : ["float32", Dtype];

    /// <summary>Gets the tests/fixtures folder.</summary>
    public string Fixtures { get; init; } = FindFixtures();

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--skip-weight-grads")
            {
                options = options with { SkipWeightGradients = true };
                continue;
            }

            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            options = args[i] switch
            {
                "--full-runs" => options with { FullRuns = Positive(args[i], value) },
                "--full-warmup" => options with { FullWarmup = NonNegative(args[i], value) },
                "--tiny-runs" => options with { TinyRuns = Positive(args[i], value) },
                "--tiny-warmup" => options with { TinyWarmup = NonNegative(args[i], value) },
                "--latent" => options with { Latent = Positive(args[i], value) },
                "--threads" => options with { Threads = Positive(args[i], value) },
                "--only" when value is "tiny" or "full" => options with { Only = value },
                "--fixtures" => options with { Fixtures = value },
                "--dtype" when value is "float32" or "bfloat16" or "float16" => options with { Dtype = value },
                _ => throw new ArgumentException($"unknown option or value: {args[i]} {value}. {Usage}"),
            };
            i++;
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer; got '{value}'.");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{name} must be a non-negative integer; got '{value}'.");

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }

        return Path.Combine("tests", "fixtures");
    }
}
