using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using FsCheck.Xunit;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

public class DdimSchedulerTests(SchedulerCases cases) : IClassFixture<SchedulerCases>
{
    // Exact model predictions reproduce the forward process up to float32 rounding, amplified by 1/√ᾱ_t (≤ 15 for SD).
    private const double ExactPredictionTolerance = 1e-4;

    private static string DdimConfigPath => Path.Combine(SchedulerCases.Folder, "ddim_scheduler_config.json");

    [Fact]
    public void SetTimesteps_Ten_MatchesReference()
    {
        using var scheduler = DdimScheduler.FromConfig(DdimConfigPath);

        var timesteps = scheduler.SetTimesteps(10);

        TensorAssert.Equal(timesteps.Select(t => (long)t), cases["ddim10.timesteps"]);
        Assert.Equal(timesteps, scheduler.Timesteps);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(9)]
    public void StepWithPrediction_FixtureStep_MatchesReference(int step)
    {
        using var scheduler = DdimScheduler.FromConfig(DdimConfigPath);
        scheduler.SetTimesteps(10);
        var prefix = $"ddim10.step{step}";
        var timestep = (int)cases[$"{prefix}.input.timestep"].item<long>();
        Assert.Equal(scheduler.Timesteps[step], timestep);

        var output = scheduler.StepWithPrediction(cases[$"{prefix}.input.model_output"], timestep, cases[$"{prefix}.input.sample"]);
        using var prev = output.PrevSample;
        using var predicted = output.PredOriginalSample;

        TensorAssert.Close(prev, cases[$"{prefix}.output.prev_sample"], cases.Atol, cases.Rtol, $"{prefix} prev_sample");
        TensorAssert.Close(predicted, cases[$"{prefix}.output.pred_original_sample"], cases.Atol, cases.Rtol, $"{prefix} pred_original_sample");
    }

    [Fact]
    public void Step_PipelineSchedulerConfig_EqualsDdimConfig()
    {
        // SD v1.5 ships a PNDM config; the DDIM sampler built from it must step exactly as from the DDIM file.
        using var fromPipeline = DdimScheduler.FromPretrained(SchedulerCases.Folder);
        fromPipeline.SetTimesteps(10);

        using var prev = fromPipeline.Step(cases["ddim10.step9.input.model_output"], 1, cases["ddim10.step9.input.sample"]);

        TensorAssert.Close(prev, cases["ddim10.step9.output.prev_sample"], cases.Atol, cases.Rtol, "prev_sample");
        Assert.Equal(cases["alphas_cumprod"][0].item<float>(), fromPipeline.FinalAlphaCumprod);
    }

    [Theory]
    [InlineData(TimestepSpacing.Trailing)]
    [InlineData(TimestepSpacing.Linspace)]
    public void Constructor_SpacingOtherThanLeading_ThrowsNamingTheKey(TimestepSpacing spacing)
    {
        var config = DdpmSchedulerConfig.FromFile(DdimConfigPath) with { TimestepSpacing = spacing };

        var e = Assert.Throws<ArgumentException>(() => new DdimScheduler(config));

        Assert.Contains("timestep_spacing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_TrailingSpacing_ThrowsInvalidDataNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "scheduler_config.json");
        File.WriteAllText(path, """{"timestep_spacing": "trailing"}""");

        var e = Assert.Throws<InvalidDataException>(() => DdimScheduler.FromConfig(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("timestep_spacing", e.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 40)]
    public void StepWithPrediction_ExactEpsilon_Meets_Specification(int seed, byte index) =>
        AssertExactPredictionStep(PredictionType.Epsilon, seed, index);

    [Property(MaxTest = 40)]
    public void StepWithPrediction_ExactVelocity_Meets_Specification(int seed, byte index) =>
        AssertExactPredictionStep(PredictionType.VPrediction, seed, index);

    [Fact]
    public void StepWithPrediction_ClipSample_ClampsPredictedOriginal()
    {
        var config = DdpmSchedulerConfig.FromFile(DdimConfigPath);
        using var plain = new DdimScheduler(config);
        using var clipped = new DdimScheduler(config with { ClipSample = true, ClipSampleRange = 2.0 });
        using var scope = NewDisposeScope();
        plain.SetTimesteps(10);
        clipped.SetTimesteps(10);
        var modelOutput = cases["ddim10.step0.input.model_output"];
        var sample = cases["ddim10.step0.input.sample"];

        var free = plain.StepWithPrediction(modelOutput, 901, sample);
        var bounded = clipped.StepWithPrediction(modelOutput, 901, sample);

        TensorAssert.Close(bounded.PredOriginalSample, free.PredOriginalSample.clamp(-2.0, 2.0), 0, 0, "clamped x0");
        Assert.True(free.PredOriginalSample.abs().max().item<float>() > 2f, "the case must exercise the clamp");
    }

    [Fact]
    public void Step_LastStepWithAlphaOne_ReturnsPredictedOriginal()
    {
        // set_alpha_to_one: ᾱ_prev = 1 at the last step, so x_{t−Δ} = x̂_0.
        var config = DdpmSchedulerConfig.FromFile(DdimConfigPath) with { SetAlphaToOne = true };
        using var scheduler = new DdimScheduler(config);
        using var scope = NewDisposeScope();
        scheduler.SetTimesteps(10);

        var output = scheduler.StepWithPrediction(cases["ddim10.step9.input.model_output"], 1, cases["ddim10.step9.input.sample"]);

        Assert.Equal(1f, scheduler.FinalAlphaCumprod);
        TensorAssert.Close(output.PrevSample, output.PredOriginalSample, 0, 1e-6, "last step");
    }

    [Fact]
    public void Step_BeforeSetTimesteps_Throws()
    {
        using var scheduler = DdimScheduler.FromConfig(DdimConfigPath);
        using var scope = NewDisposeScope();
        var x = zeros(1, 4);

        Assert.Throws<InvalidOperationException>(() => scheduler.Step(x, 1, x));
    }

    [Fact]
    public void Step_BadArguments_ThrowNamingThem()
    {
        using var scheduler = DdimScheduler.FromConfig(DdimConfigPath);
        using var scope = NewDisposeScope();
        scheduler.SetTimesteps(10);
        var x = zeros(1, 4);

        Assert.Equal("timestep", Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(x, 1000, x)).ParamName);
        Assert.Equal("timestep", Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Step(x, -1, x)).ParamName);
        Assert.Equal("sample", Assert.Throws<ArgumentException>(() => scheduler.Step(x, 1, zeros(1, 5))).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    [InlineData(1000)]
    public void SetTimesteps_OutOfRange_ThrowsNamingSteps(int steps)
    {
        // 1000 steps with steps_offset 1 would start at timestep 1000.
        using var scheduler = DdimScheduler.FromConfig(DdimConfigPath);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(steps));

        Assert.Equal("numInferenceSteps", error.ParamName);
    }

    private static void AssertExactPredictionStep(PredictionType prediction, int seed, byte index)
    {
        var config = DdpmSchedulerConfig.FromFile(DdimConfigPath) with { PredictionType = prediction };
        using var sampler = new DdimScheduler(config);
        using var forward = new DdpmScheduler(config);
        using var scope = NewDisposeScope();
        var timesteps = sampler.SetTimesteps(20);
        var t = timesteps[index % timesteps.Count];
        using var generator = new Generator((ulong)(uint)seed);
        var x0 = randn([1, 4, 3, 3], generator: generator);
        var noise = randn([1, 4, 3, 3], generator: generator);
        var step = tensor(new long[] { t });
        var sample = forward.AddNoise(x0, noise, step);

        var output = sampler.StepWithPrediction(forward.TrainingTarget(x0, noise, step), t, sample);

        // The deterministic forward process at t − Δ: √ᾱ_prev x_0 + √(1 − ᾱ_prev) ε.
        var previous = t - 50;
        double alphaPrev = previous >= 0 ? sampler.AlphasCumprod[previous].item<float>() : sampler.FinalAlphaCumprod;
        var expected = (Math.Sqrt(alphaPrev) * x0.to(ScalarType.Float64)) + (Math.Sqrt(1 - alphaPrev) * noise.to(ScalarType.Float64));
        TensorAssert.Close(output.PredOriginalSample, x0, ExactPredictionTolerance, ExactPredictionTolerance, $"x0 at t = {t}");
        TensorAssert.Close(output.PrevSample, expected, ExactPredictionTolerance, ExactPredictionTolerance, $"x_prev at t = {t}");
    }
}
