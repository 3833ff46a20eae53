using Dvar.Stopping.TorchSharp.Personalization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

public class DiffusionObjectiveTests
{
    [Fact]
    public void Loss_InstanceRowsOnly_IsTheMeanSquaredErrorOfThePredictedNoise()
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var batch = RandomBatch(pipeline, rows: 3, instanceRows: 3);

        double actual = new DiffusionObjective(pipeline, priorLossWeight: 0.7).Loss(batch, textWithGradient: false).item<float>();

        double expected = Mse(Prediction(pipeline, batch), batch.Noise, 0, 3);
        Assert.Equal(expected, actual, expected * 1e-5);
    }

    [Fact]
    public void Loss_WithClassRows_AddsTheWeightedClassLoss()
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var batch = RandomBatch(pipeline, rows: 4, instanceRows: 2);

        double actual = new DiffusionObjective(pipeline, priorLossWeight: 0.7).Loss(batch, textWithGradient: false).item<float>();

        var prediction = Prediction(pipeline, batch);
        double expected = Mse(prediction, batch.Noise, 0, 2) + (0.7 * Mse(prediction, batch.Noise, 2, 2));
        Assert.Equal(expected, actual, expected * 1e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EncodePrompts_RecordsAutogradOnlyWhenAsked(bool withGradient)
    {
        using var setup = Setup.Create(SingleParameterMethod.TextFinalNormBias());
        using var ids = setup.Pipeline.Tokenizer.EncodeToTensor(["a photo of sks"]);

        using var states = new DiffusionObjective(setup.Pipeline, 1).EncodePrompts(ids, withGradient);

        Assert.Equal(withGradient, states.requires_grad);
        Assert.Equal(new long[] { 1, 77, 32 }, states.shape);
    }

    private static DiffusionBatch RandomBatch(StableDiffusionPipeline pipeline, int rows, int instanceRows)
    {
        using var generator = new Generator(3, CPU);
        long[] shape = [rows, 4, 16, 16];
        var prompts = Enumerable.Range(0, rows).Select(i => $"a photo of thing {i}").ToList();
        return new DiffusionBatch(
            randn(shape, generator: generator),
            pipeline.Tokenizer.EncodeToTensor(prompts),
            randint(0L, 1000L, new long[] { rows }, ScalarType.Int64, generator: generator),
            randn(shape, generator: generator),
            instanceRows);
    }

    /// <summary>unet(√ᾱ_t z_0 + √(1 − ᾱ_t) ε, t, text(ids)), with ᾱ indexed by hand.</summary>
    private static Tensor Prediction(StableDiffusionPipeline pipeline, DiffusionBatch batch)
    {
        using var noGrad = no_grad();
        var alphaBar = pipeline.Scheduler.AlphasCumprod.index_select(0, batch.Timesteps).view(-1, 1, 1, 1);
        var noisy = (alphaBar.sqrt() * batch.Latents) + ((1 - alphaBar).sqrt() * batch.Noise);
        return pipeline.Unet.forward(noisy, batch.Timesteps, pipeline.TextEncoder.forward(batch.InputIds));
    }

    private static double Mse(Tensor prediction, Tensor noise, long start, long count) =>
        (prediction.narrow(0, start, count).to_type(ScalarType.Float64) - noise.narrow(0, start, count).to_type(ScalarType.Float64))
            .square().mean().item<double>();
}
