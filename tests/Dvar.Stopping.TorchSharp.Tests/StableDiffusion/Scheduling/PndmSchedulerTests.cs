using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

/// <summary><see cref="PndmScheduler"/> against diffusers v0.26.3's PNDMScheduler (tests/fixtures/pndm).</summary>
public class PndmSchedulerTests(PndmCases cases) : IClassFixture<PndmCases>
{
    public static TheoryData<string, string, int> TimestepCases => PndmCases.TimestepCases;

    public static TheoryData<string> LoopCases => PndmCases.LoopCases;

    [Theory]
    [MemberData(nameof(TimestepCases))]
    public void SetTimesteps_EveryFixtureCase_MatchesDiffusers(string configName, string spacing, int steps)
    {
        var expected = PndmCases.TimestepCase(configName, spacing, steps);
        var config = DdpmSchedulerConfig.FromFile(PndmCases.ConfigPath(configName)) with { TimestepSpacing = PndmCases.ParseSpacing(spacing) };
        using var scheduler = new PndmScheduler(config);

        if (!expected["all_in_range"]!.GetValue<bool>())
        {
            // diffusers lists a timestep ≥ T here and fails only when stepping it; PndmScheduler refuses at once.
            Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(steps));
            return;
        }

        var timesteps = scheduler.SetTimesteps(steps);

        Assert.Equal(expected["timesteps"]!.AsArray().Select(t => t!.GetValue<int>()), timesteps);
        Assert.Equal(timesteps, scheduler.Timesteps);
    }

    [Theory]
    [MemberData(nameof(LoopCases))]
    public void Step_FixtureSamplingLoop_MatchesDiffusersAtEveryStep(string name)
    {
        var expected = PndmCases.LoopCase(name);
        int steps = expected["num_inference_steps"]!.GetValue<int>();
        using var scheduler = new PndmScheduler(PndmCases.Config(expected["overrides"]!.AsObject()));
        var timesteps = scheduler.SetTimesteps(steps);
        Assert.Equal(expected["timesteps"]!.AsArray().Select(t => t!.GetValue<int>()), timesteps);
        Assert.Equal(expected["final_alpha_cumprod"]!.GetValue<double>(), scheduler.FinalAlphaCumprod, 0.0);
        var reference = cases[expected["tensor"]!.GetValue<string>()];
        Assert.Equal(timesteps.Count, reference.shape[0]);

        using var scope = NewDisposeScope();
        var sample = cases["initial_sample"];
        for (int i = 0; i < timesteps.Count; i++)
        {
            sample = scheduler.Step(PndmCases.ModelOutput(sample, timesteps[i]), timesteps[i], sample);
            TensorAssert.Close(sample, reference[i], PndmCases.Atol, PndmCases.Rtol, $"{name} prev_sample {i} (t = {timesteps[i]})");
        }
    }

    [Fact]
    public void FromPretrained_TinyPipelineFolder_ReadsSd15PlmsSchedule()
    {
        using var scheduler = PndmScheduler.FromPretrained(SchedulerCases.Folder);

        var timesteps = scheduler.SetTimesteps(50);

        Assert.True(scheduler.Config.SkipPrkSteps);
        Assert.Equal(1f, scheduler.InitNoiseSigma);
        Assert.Equal(scheduler.AlphasCumprod[0].item<float>(), scheduler.FinalAlphaCumprod);
        Assert.Equal(51, timesteps.Count);
        Assert.Equal([981, 961, 961, 941], timesteps.Take(4));
        Assert.Equal(1, timesteps[^1]);
    }

    [Fact]
    public void Constructor_SkipPrkStepsFalse_ThrowsNotSupported()
    {
        var config = DdpmSchedulerConfig.FromFile(PndmCases.Sd15ConfigPath) with { SkipPrkSteps = false };

        var e = Assert.Throws<NotSupportedException>(() => new PndmScheduler(config));

        Assert.Contains("skip_prk_steps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfig_FileWithoutSkipPrkSteps_ThrowsNotSupported()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "scheduler_config.json");
        File.WriteAllText(path, """{"_class_name": "PNDMScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}""");

        Assert.Throws<NotSupportedException>(() => PndmScheduler.FromConfig(path));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(""", "set_alpha_to_one": true""", true)]
    [InlineData(""", "set_alpha_to_one": false""", false)]
    public void FromConfig_SetAlphaToOne_DefaultsToPndmsFalse(string key, bool expectedOne)
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "scheduler_config.json");
        File.WriteAllText(path, $$"""{"skip_prk_steps": true, "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012{{key}}}""");

        using var scheduler = PndmScheduler.FromConfig(path);

        Assert.Equal(expectedOne, scheduler.Config.SetAlphaToOne);
        Assert.Equal(expectedOne ? 1f : scheduler.AlphasCumprod[0].item<float>(), scheduler.FinalAlphaCumprod);
    }

    [Fact]
    public void FromConfig_UnsupportedValue_ThrowsInvalidDataNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "scheduler_config.json");
        File.WriteAllText(path, """{"skip_prk_steps": true, "timestep_spacing": "middle"}""");

        var e = Assert.Throws<InvalidDataException>(() => PndmScheduler.FromConfig(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("\"leading\", \"trailing\", \"linspace\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_BeforeSetTimesteps_Throws()
    {
        using var scheduler = new PndmScheduler(DdpmSchedulerConfig.FromFile(PndmCases.Sd15ConfigPath));
        using var sample = zeros(1, 4, 2, 2);

        Assert.Throws<InvalidOperationException>(() => scheduler.Step(sample, 1, sample));
    }

    [Fact]
    public void Step_MismatchedShapes_ThrowsNamingSample()
    {
        using var scheduler = new PndmScheduler(DdpmSchedulerConfig.FromFile(PndmCases.Sd15ConfigPath));
        scheduler.SetTimesteps(10);
        using var sample = zeros(1, 4, 2, 2);
        using var output = zeros(1, 4, 2, 3);

        var e = Assert.Throws<ArgumentException>(() => scheduler.Step(output, 901, sample));

        Assert.Equal("sample", e.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void SetTimesteps_OutOfRange_Throws(int steps)
    {
        using var scheduler = new PndmScheduler(DdpmSchedulerConfig.FromFile(PndmCases.Sd15ConfigPath));

        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(steps));
    }

    [Fact]
    public void SetTimesteps_Again_ResetsTheMultistepHistory()
    {
        var expected = PndmCases.LoopCase("leading.n7");
        using var scheduler = new PndmScheduler(PndmCases.Config(expected["overrides"]!.AsObject()));
        using var first = RunLoop(scheduler, 7);

        using var second = RunLoop(scheduler, 7);

        Assert.True(first.Equals(second), "A second loop after SetTimesteps must not see the first loop's model outputs.");
        using var last = cases["leading.n7.prev_samples"][-1];
        TensorAssert.Close(second, last, PndmCases.Atol, PndmCases.Rtol, "final sample");
    }

    [Fact]
    public void Step_KeepsCopies_CallerMayDisposeItsTensors()
    {
        using var scheduler = new PndmScheduler(DdpmSchedulerConfig.FromFile(PndmCases.Sd15ConfigPath));
        var timesteps = scheduler.SetTimesteps(25);
        var sample = cases["initial_sample"].clone();
        foreach (var t in timesteps)
        {
            using var output = PndmCases.ModelOutput(sample, t);
            var next = scheduler.Step(output, t, sample);
            sample.Dispose();
            sample = next;
        }

        using var final = sample;
        using var expected = cases["leading.n25.prev_samples"][-1];
        TensorAssert.Close(final, expected, PndmCases.Atol, PndmCases.Rtol, "final sample");
    }

    [Fact]
    public void Loop_Repeated_KeepsLiveTensorCountFlat()
    {
        using var scheduler = new PndmScheduler(DdpmSchedulerConfig.FromFile(PndmCases.Sd15ConfigPath));

        LiveTensors.AssertNoGrowth(4, () => RunLoop(scheduler, 7).Dispose());
    }

    [Fact]
    public void Step_Float64Sample_KeepsDtypeAndMatchesFloat32Loop()
    {
        using var scheduler = new PndmScheduler(DdpmSchedulerConfig.FromFile(PndmCases.Sd15ConfigPath));
        var timesteps = scheduler.SetTimesteps(7);
        using var scope = NewDisposeScope();
        var sample = cases["initial_sample"].to_type(ScalarType.Float64);
        foreach (var t in timesteps)
        {
            sample = scheduler.Step(PndmCases.ModelOutput(sample, t), t, sample);
        }

        Assert.Equal(ScalarType.Float64, sample.dtype);
        TensorAssert.Close(sample.to_type(ScalarType.Float32), cases["leading.n7.prev_samples"][-1], 1e-4, 1e-4, "float64 loop");
    }

    private Tensor RunLoop(PndmScheduler scheduler, int steps)
    {
        var timesteps = scheduler.SetTimesteps(steps);
        using var scope = NewDisposeScope();
        var sample = cases["initial_sample"];
        foreach (var t in timesteps)
        {
            sample = scheduler.Step(PndmCases.ModelOutput(sample, t), t, sample);
        }

        return sample.MoveToOuterDisposeScope();
    }
}
