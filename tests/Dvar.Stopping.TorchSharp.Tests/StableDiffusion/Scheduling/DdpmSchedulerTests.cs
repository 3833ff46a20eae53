using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling.Reference;
using FsCheck.Xunit;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

public class DdpmSchedulerTests(SchedulerCases cases) : IClassFixture<SchedulerCases>
{
    // float32 rounding of linspace/pow/cast against the float64 formulas: a few ulp.
    private const double BetaRtol = 1e-6;

    // A float32 running product over 1000 factors drifts from the float64 one by up to ~1000 ulp at the tail.
    private const double CumprodRtol = 1e-4;

    [Theory]
    [InlineData("scheduler_config.json")]
    [InlineData("ddpm_scheduler_config.json")]
    [InlineData("ddim_scheduler_config.json")]
    public void Schedule_FixtureConfig_MatchesReference(string file)
    {
        using var scheduler = DdpmScheduler.FromConfig(Path.Combine(SchedulerCases.Folder, file));

        TensorAssert.Close(scheduler.Betas, cases["betas"], cases.Atol, cases.Rtol, "betas");
        TensorAssert.Close(scheduler.AlphasCumprod, cases["alphas_cumprod"], cases.Atol, cases.Rtol, "alphas_cumprod");
        Assert.Equal(ScalarType.Float32, scheduler.AlphasCumprod.dtype);
    }

    [Fact]
    public void AddNoise_FixtureCase_MatchesReference()
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        using var scope = NewDisposeScope();
        var original = cases["add_noise.input.original_samples"];
        var timesteps = cases["add_noise.input.timesteps"];

        var noisy = scheduler.AddNoise(original, cases["add_noise.input.noise"], timesteps);
        var (sqrtAlpha, sqrtOneMinusAlpha) = scheduler.NoiseCoefficients(timesteps, original);

        TensorAssert.Close(noisy, cases["add_noise.output.noisy_samples"], cases.Atol, cases.Rtol, "noisy_samples");
        TensorAssert.Close(sqrtAlpha.flatten(), cases["add_noise.output.sqrt_alpha_prod"], cases.Atol, cases.Rtol, "sqrt_alpha_prod");
        TensorAssert.Close(
            sqrtOneMinusAlpha.flatten(), cases["add_noise.output.sqrt_one_minus_alpha_prod"], cases.Atol, cases.Rtol, "sqrt_one_minus_alpha_prod");
    }

    [Property(MaxTest = 50)]
    public void AddNoise_ZeroNoise_Meets_Specification(int seed, ushort step)
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        using var scope = NewDisposeScope();
        var t = step % scheduler.NumTrainTimesteps;
        using var generator = new Generator((ulong)(uint)seed);
        var x = randn([3, 2, 5], generator: generator);

        var noisy = scheduler.AddNoise(x, zeros_like(x), tensor(new long[] { t, t, t }));

        var sqrtAlpha = Math.Sqrt(scheduler.AlphasCumprod[t].item<float>());
        TensorAssert.Close(noisy, x.to(ScalarType.Float64) * sqrtAlpha, 1e-7, 1e-6, $"x_t at t = {t}");
    }

    [Fact]
    public void AddNoise_Float64SampleInt32Timesteps_KeepsSampleDtype()
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        using var scope = NewDisposeScope();
        var original = cases["add_noise.input.original_samples"].to(ScalarType.Float64);
        var noise = cases["add_noise.input.noise"].to(ScalarType.Float64);

        var noisy = scheduler.AddNoise(original, noise, cases["add_noise.input.timesteps"].to(ScalarType.Int32));

        Assert.Equal(ScalarType.Float64, noisy.dtype);
        TensorAssert.Close(noisy, cases["add_noise.output.noisy_samples"], cases.Atol, cases.Rtol, "noisy_samples (float64)");
    }

    [Fact]
    public void AddNoise_OneTimestepForBatch_BroadcastsIt()
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        using var scope = NewDisposeScope();
        var original = cases["add_noise.input.original_samples"];
        var noise = cases["add_noise.input.noise"];

        var scalar = scheduler.AddNoise(original, noise, tensor(500L));
        var perRow = scheduler.AddNoise(original, noise, full(5, 500L, ScalarType.Int64));

        TensorAssert.Close(scalar, perRow, 0, 0, "scalar timestep");
    }

    [Fact]
    public void AddNoiseAndTrainingTarget_ThousandCalls_KeepLiveTensorCountFlat()
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        var original = cases["add_noise.input.original_samples"];
        var noise = cases["add_noise.input.noise"];
        var timesteps = cases["add_noise.input.timesteps"];

        LiveTensors.AssertNoGrowth(1000, () =>
        {
            using var noisy = scheduler.AddNoise(original, noise, timesteps);
            using var target = scheduler.TrainingTarget(original, noise, timesteps);
        });
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1000L)]
    public void AddNoise_TimestepOutOfRange_ThrowsNamingRange(long bad)
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        using var scope = NewDisposeScope();
        var x = zeros(2, 4);

        var error = Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x, x, tensor(new[] { 10L, bad })));

        Assert.Equal("timesteps", error.ParamName);
        Assert.Contains("[0, 1000)", error.Message, StringComparison.Ordinal);
        Assert.Contains(bad.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNoise_BadShapesOrDtypes_ThrowNamingArgument()
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        using var scope = NewDisposeScope();
        var x = zeros(2, 4);
        var steps = tensor(new[] { 1L, 2L });

        Assert.Equal("noise", Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x, zeros(2, 5), steps)).ParamName);
        Assert.Equal("originalSamples", Assert.Throws<ArgumentException>(() => scheduler.AddNoise(zeros(2, 4, ScalarType.Int64), x, steps)).ParamName);
        Assert.Equal("timesteps", Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x, x, tensor(new[] { 1L, 2L, 3L }))).ParamName);
        Assert.Equal("timesteps", Assert.Throws<ArgumentException>(() => scheduler.AddNoise(x, x, tensor(new[] { 1f, 2f }))).ParamName);
    }

    [Fact]
    public void TrainingTarget_Epsilon_IsTheNoise()
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);
        using var scope = NewDisposeScope();
        var noise = cases["add_noise.input.noise"];

        var target = scheduler.TrainingTarget(cases["add_noise.input.original_samples"], noise, cases["add_noise.input.timesteps"]);

        TensorAssert.Close(target, noise, 0, 0, "epsilon target");
    }

    [Fact]
    public void TrainingTarget_VPrediction_MatchesVelocityFormula()
    {
        var config = DdpmSchedulerConfig.FromFile(Path.Combine(SchedulerCases.Folder, "scheduler_config.json")) with
        {
            PredictionType = PredictionType.VPrediction,
        };
        using var scheduler = new DdpmScheduler(config);
        using var scope = NewDisposeScope();
        var x0 = cases["add_noise.input.original_samples"];
        var noise = cases["add_noise.input.noise"];
        var timesteps = cases["add_noise.input.timesteps"];

        var target = scheduler.TrainingTarget(x0, noise, timesteps);

        // v = √ᾱ_t ε − √(1 − ᾱ_t) x_0, with the reference ᾱ, in float64.
        var alpha = cases["alphas_cumprod"].to(ScalarType.Float64).index_select(0, timesteps).view(5, 1, 1, 1);
        var expected = (alpha.sqrt() * noise.to(ScalarType.Float64)) - ((1 - alpha).sqrt() * x0.to(ScalarType.Float64));
        TensorAssert.Close(target, expected, cases.Atol, cases.Rtol, "v target");
    }

    [Fact]
    public void Betas_Linear_MatchesFloat64Formula()
    {
        using var scheduler = new DdpmScheduler(new DdpmSchedulerConfig());

        AssertSchedule(NaiveSchedule.LinearBetas(0.0001, 0.02, 1000), scheduler);
    }

    [Fact]
    public void Betas_ScaledLinear_MatchesFloat64Formula()
    {
        using var scheduler = DdpmScheduler.FromPretrained(SchedulerCases.Folder);

        AssertSchedule(NaiveSchedule.ScaledLinearBetas(0.00085, 0.012, 1000), scheduler);
    }

    [Fact]
    public void Betas_SquaredcosCapV2_MatchesFloat64Formula()
    {
        using var scheduler = new DdpmScheduler(new DdpmSchedulerConfig { BetaSchedule = BetaSchedule.SquaredcosCapV2 });

        AssertSchedule(NaiveSchedule.SquaredCosineBetas(1000), scheduler);
    }

    [Fact]
    public void Betas_TrainedBetas_ReplaceTheSchedule()
    {
        double[] trained = [0.1, 0.2, 0.3];
        using var scheduler = new DdpmScheduler(new DdpmSchedulerConfig { NumTrainTimesteps = 3, TrainedBetas = trained });

        AssertSchedule(trained, scheduler);
    }

    [Fact]
    public void Ctor_InvalidConfig_ThrowsNamingKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new DdpmScheduler(new DdpmSchedulerConfig { NumTrainTimesteps = 0 }));

        Assert.Contains("num_train_timesteps", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSchedule(double[] betas, DdpmScheduler scheduler)
    {
        using var scope = NewDisposeScope();
        TensorAssert.Close(scheduler.Betas, tensor(betas), 1e-12, BetaRtol, "betas");
        TensorAssert.Close(scheduler.AlphasCumprod, tensor(NaiveSchedule.AlphasCumprod(betas)), 1e-9, CumprodRtol, "alphas_cumprod");
    }
}
