using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Testing;
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

    [Fact]
    public void MaskedMse_EqualsTheNaivePerRowFormula()
    {
        // The authors' instance loss: per row sum over (c, h, w) of (pred - target)^2 * mask[h, w], divided by sum over
        // (h, w) of the one-channel mask, then the mean over rows; computed here with plain loops in double.
        using var generator = new Generator(11, CPU);
        using var prediction = randn([3, 4, 5, 6], generator: generator);
        using var target = randn([3, 4, 5, 6], generator: generator);
        using var mask = (rand([3, 1, 5, 6], generator: generator) > 0.4).to_type(ScalarType.Float32);
        float[] p = prediction.data<float>().ToArray();
        float[] t = target.data<float>().ToArray();
        float[] m = mask.data<float>().ToArray();
        double total = 0;
        for (int b = 0; b < 3; b++)
        {
            double numerator = 0;
            double denominator = 0;
            for (int y = 0; y < 30; y++)
            {
                denominator += m[(b * 30) + y];
                for (int c = 0; c < 4; c++)
                {
                    double d = p[(((b * 4) + c) * 30) + y] - t[(((b * 4) + c) * 30) + y];
                    numerator += d * d * m[(b * 30) + y];
                }
            }

            total += numerator / denominator;
        }

        using var actual = DiffusionObjective.MaskedMse(prediction, target, mask);

        Assert.Equal(total / 3, actual.item<float>(), 1e-5);
    }

    [Fact]
    public void Loss_WithInstanceMaskAndClassRows_IsTheMaskedInstanceLossPlusTheWeightedClassLoss()
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var plain = RandomBatch(pipeline, rows: 4, instanceRows: 2);
        var mask = zeros([2, 1, 16, 16]);
        mask.narrow(2, 3, 9).narrow(3, 2, 7).fill_(1.0f);
        using var batch = new DiffusionBatch(plain.Latents.clone(), plain.InputIds.clone(), plain.Timesteps.clone(), plain.Noise.clone(), 2, mask);

        double actual = new DiffusionObjective(pipeline, priorLossWeight: 0.7).Loss(batch, textWithGradient: false).item<float>();

        var prediction = Prediction(pipeline, batch).to_type(ScalarType.Float64);
        var noise = batch.Noise.to_type(ScalarType.Float64);
        // Inside the 9 x 7 window the four channels' squared errors are summed and divided by the 63 cells.
        var window = (prediction.narrow(0, 0, 2) - noise.narrow(0, 0, 2)).square().narrow(2, 3, 9).narrow(3, 2, 7);
        double instance = (window.sum(new long[] { 1, 2, 3 }) / 63).mean().item<double>();
        double expected = instance + (0.7 * Mse(prediction, noise, 2, 2));
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
