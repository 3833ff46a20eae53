using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

public class LatentPosteriorCacheTests
{
    [Fact]
    public void SampleScaled_IsTheVaePosteriorSampleTimesTheScalingFactor()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var cache = new LatentPosteriorCache(setup.Pipeline, setup.Data.Images);
        using var generator = new Generator(9, CPU);
        using var eps = randn([3, 4, 16, 16], generator: generator);
        long[] indices = [1, 1, 2];
        bool[] flips = [false, true, false];

        using var latents = cache.SampleScaled(indices, flips, eps);

        using var pixels = setup.Data.Images.Gather(indices, flips);
        using var posterior = setup.Pipeline.Vae.Encode(pixels);
        using var expected = ((posterior.Mean + (posterior.Std * eps)) * 0.18215).detach();
        TensorAssert.Close(latents, expected, atol: 1e-6, rtol: 1e-5, "scaled latents");
        Assert.Equal(new long[] { 4, 16, 16 }, cache.LatentShape);
    }

    [Fact]
    public void SampleScaled_RepeatedItems_EncodesEachImageAndFlipOnce()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var cache = new LatentPosteriorCache(setup.Pipeline, setup.Data.Images);
        using var eps = zeros(4, 4, 16, 16);

        using var first = cache.SampleScaled([0, 0, 1, 0], [false, false, false, true], eps);
        Assert.Equal(3, cache.Count);
        using var second = cache.SampleScaled([0, 0, 1, 0], [false, false, false, true], eps);

        Assert.Equal(3, cache.Count);
        Assert.True(first.Equals(second));
        Assert.True(first[0].Equals(first[1]));
    }
}
