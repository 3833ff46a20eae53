using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

public class DdpmSchedulerConfigTests
{
    [Theory]
    [InlineData("sd-tiny/scheduler/scheduler_config.json", "PNDMScheduler", false)]
    [InlineData("sd-tiny/scheduler/ddim_scheduler_config.json", "DDIMScheduler", false)]
    [InlineData("sd-tiny/scheduler/ddpm_scheduler_config.json", "DDPMScheduler", true)]
    [InlineData("sd15-structure/scheduler/scheduler_config.json", "PNDMScheduler", false)]
    public void FromFile_Sd15Configs_ReadSd15Schedule(string file, string className, bool setAlphaToOne)
    {
        // The DDPM file has no set_alpha_to_one (DDPMScheduler does not use it): the DDIM default, true, applies.
        // sd15-structure's file (diffusers 0.6.0) has no prediction_type, timestep_spacing or clip_sample_range.
        var config = DdpmSchedulerConfig.FromFile(FixturePaths.Get([.. file.Split('/')]));

        Assert.Equal(className, config.ClassName);
        Assert.Equal(1000, config.NumTrainTimesteps);
        Assert.Equal(0.00085, config.BetaStart);
        Assert.Equal(0.012, config.BetaEnd);
        Assert.Equal(BetaSchedule.ScaledLinear, config.BetaSchedule);
        Assert.Null(config.TrainedBetas);
        Assert.Equal(PredictionType.Epsilon, config.PredictionType);
        Assert.Equal(1, config.StepsOffset);
        Assert.Equal(TimestepSpacing.Leading, config.TimestepSpacing);
        Assert.False(config.ClipSample);
        Assert.Equal(1.0, config.ClipSampleRange);
        Assert.Equal(setAlphaToOne, config.SetAlphaToOne);
        Assert.False(config.Thresholding);
        Assert.False(config.RescaleBetasZeroSnr);
    }

    [Fact]
    public void FromFile_EmptyObject_UsesDiffusersDefaults()
    {
        using var folder = new TemporaryFolder();
        var path = Write(folder, "{}");

        var config = DdpmSchedulerConfig.FromFile(path);

        Assert.Equal(new DdpmSchedulerConfig(), config);
        Assert.Null(config.ClassName);
        Assert.Equal(1000, config.NumTrainTimesteps);
        Assert.Equal(0.0001, config.BetaStart);
        Assert.Equal(0.02, config.BetaEnd);
        Assert.Equal(BetaSchedule.Linear, config.BetaSchedule);
        Assert.Equal(PredictionType.Epsilon, config.PredictionType);
        Assert.Equal(0, config.StepsOffset);
        Assert.Equal(TimestepSpacing.Leading, config.TimestepSpacing);
        Assert.True(config.ClipSample);
        Assert.True(config.SetAlphaToOne);
    }

    [Theory]
    [InlineData("""{"beta_schedule": "cosine"}""", "$.beta_schedule", "\"cosine\" is not supported; expected one of \"linear\", \"scaled_linear\", \"squaredcos_cap_v2\"")]
    [InlineData("""{"beta_schedule": 3}""", "$.beta_schedule", "Number is not supported")]
    [InlineData("""{"prediction_type": "sample"}""", "$.prediction_type", "expected one of \"epsilon\", \"v_prediction\"")]
    [InlineData("""{"timestep_spacing": "middle"}""", "$.timestep_spacing", "expected one of \"leading\", \"trailing\", \"linspace\"")]
    [InlineData("""{"num_train_timesteps": "1000"}""", "$.num_train_timesteps", "")]
    [InlineData("""{"num_train_timesteps": 0}""", "num_train_timesteps", "must be at least 1; got 0")]
    [InlineData("""{"beta_start": 0}""", "beta_start", "must be in (0, 1); got 0")]
    [InlineData("""{"beta_end": 1.5}""", "beta_end", "must be in (0, 1); got 1.5")]
    [InlineData("""{"steps_offset": 1000}""", "steps_offset", "must be in [0, num_train_timesteps); got 1000")]
    [InlineData("""{"clip_sample_range": -1}""", "clip_sample_range", "must be finite and positive; got -1")]
    [InlineData("""{"thresholding": true}""", "thresholding", "= true is not supported")]
    [InlineData("""{"rescale_betas_zero_snr": true}""", "rescale_betas_zero_snr", "= true is not supported")]
    [InlineData("""{"num_train_timesteps": 3, "trained_betas": [0.1, 0.2]}""", "trained_betas", "has 2 values; expected num_train_timesteps = 3")]
    [InlineData("""{"num_train_timesteps": 2, "trained_betas": [0.1, 1.0]}""", "trained_betas[1]", "must be in (0, 1); got 1")]
    public void FromFile_UnsupportedValue_ThrowsNamingFileAndKey(string json, string key, string problem)
    {
        using var folder = new TemporaryFolder();
        var path = Write(folder, json);

        var error = Assert.Throws<InvalidDataException>(() => DdpmSchedulerConfig.FromFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PNDMScheduler", "", false)]
    [InlineData("PNDMScheduler", ", \"set_alpha_to_one\": true", true)]
    [InlineData("DDIMScheduler", "", true)]
    [InlineData("DDPMScheduler", "", true)]
    public void FromFile_MissingSetAlphaToOne_TakesTheNamedClassDefault(string className, string key, bool expected)
    {
        // diffusers saves every __init__ argument; PNDMScheduler's set_alpha_to_one default is false, DDIM's true.
        using var folder = new TemporaryFolder();
        var path = Write(folder, $$"""{"_class_name": "{{className}}", "skip_prk_steps": true{{key}}}""");

        var config = DdpmSchedulerConfig.FromFile(path);

        Assert.Equal(expected, config.SetAlphaToOne);
    }

    [Fact]
    public void FromFile_MalformedJson_ThrowsNamingFile()
    {
        using var folder = new TemporaryFolder();
        var path = Write(folder, """{"beta_schedule": "linear",""");

        var error = Assert.Throws<InvalidDataException>(() => DdpmSchedulerConfig.FromFile(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_MissingFile_ThrowsFileNotFound()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "scheduler_config.json");

        var error = Assert.Throws<FileNotFoundException>(() => DdpmSchedulerConfig.FromFile(path));

        Assert.Equal(path, error.FileName);
    }

    private static string Write(TemporaryFolder folder, string json)
    {
        var path = Path.Combine(folder.Path, "scheduler_config.json");
        File.WriteAllText(path, json);
        return path;
    }
}
