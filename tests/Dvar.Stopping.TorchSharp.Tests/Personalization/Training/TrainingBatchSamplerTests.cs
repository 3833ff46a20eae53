using Dvar.Stopping.TorchSharp.Personalization;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

public class TrainingBatchSamplerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Draw_FollowsTheDocumentedDrawOrder(bool randomFlip)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var cache = new LatentPosteriorCache(setup.Pipeline, setup.Data.Images);
        var sampler = new TrainingBatchSampler(setup.Pipeline, setup.Data, cache, null, batchSize: 3, randomFlip);
        using var generator = new Generator(5, CPU);

        using var batch = sampler.Draw(generator);

        // The documented order, drawn by hand: images, flips (if any), templates, VAE noise, timesteps, noise.
        using var expected = new Generator(5, CPU);
        long[] images = Ints(randint(0L, 3L, new long[] { 3 }, ScalarType.Int64, generator: expected));
        bool[] flips = randomFlip ? [.. Ints(randint(0L, 2L, new long[] { 3 }, ScalarType.Int64, generator: expected)).Select(f => f == 1)] : new bool[3];
        long[] templates = Ints(randint(0L, 27L, new long[] { 3 }, ScalarType.Int64, generator: expected));
        var vaeNoise = randn([3, 4, 16, 16], generator: expected);
        var timesteps = randint(0L, 1000L, new long[] { 3 }, ScalarType.Int64, generator: expected);
        var noise = randn([3, 4, 16, 16], generator: expected);

        Assert.True(batch.Timesteps.Equals(timesteps), "timesteps");
        Assert.True(batch.Noise.Equals(noise), "noise");
        var prompts = templates.Select(t => setup.Data.Prompt((int)t)).ToList();
        Assert.True(batch.InputIds.Equals(setup.Pipeline.Tokenizer.EncodeToTensor(prompts)), "caption ids");
        using var posterior = setup.Pipeline.Vae.Encode(setup.Data.Images.Gather(images, flips));
        TensorAssert.Close(batch.Latents, ((posterior.Mean + (posterior.Std * vaeNoise)) * 0.18215).detach(), 1e-6, 1e-5, "latents");
        Assert.Equal(3, batch.InstanceCount);
        Assert.True(generator.get_state().Equals(expected.get_state()), "The sampler drew more or less than documented.");
    }

    [Fact]
    public void Draw_WithClassImages_AppendsClassRowsWithTheClassPrompt()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(), withClassImages: true);
        using var instances = new LatentPosteriorCache(setup.Pipeline, setup.Data.Images);
        using var classes = new LatentPosteriorCache(setup.Pipeline, setup.Data.ClassImages!);
        var sampler = new TrainingBatchSampler(setup.Pipeline, setup.Data, instances, classes, batchSize: 2, randomFlip: true);
        using var generator = new Generator(6, CPU);

        using var batch = sampler.Draw(generator);

        using var expected = new Generator(6, CPU);
        randint(0L, 3L, new long[] { 2 }, ScalarType.Int64, generator: expected); // instance images
        randint(0L, 2L, new long[] { 2 }, ScalarType.Int64, generator: expected); // instance flips
        randint(0L, 27L, new long[] { 2 }, ScalarType.Int64, generator: expected); // templates
        long[] classImages = Ints(randint(0L, 2L, new long[] { 2 }, ScalarType.Int64, generator: expected));
        bool[] classFlips = [.. Ints(randint(0L, 2L, new long[] { 2 }, ScalarType.Int64, generator: expected)).Select(f => f == 1)];
        var vaeNoise = randn([4, 4, 16, 16], generator: expected);
        var timesteps = randint(0L, 1000L, new long[] { 4 }, ScalarType.Int64, generator: expected);

        Assert.Equal(4, batch.Count);
        Assert.Equal(2, batch.InstanceCount);
        Assert.True(batch.Timesteps.Equals(timesteps), "timesteps");
        Assert.True(batch.InputIds.narrow(0, 2, 2).Equals(setup.Pipeline.Tokenizer.EncodeToTensor(["a photo of dog", "a photo of dog"])), "class prompt");
        using var posterior = setup.Pipeline.Vae.Encode(setup.Data.ClassImages!.Gather(classImages, classFlips));
        var expectedClassLatents = ((posterior.Mean + (posterior.Std * vaeNoise.narrow(0, 2, 2))) * 0.18215).detach();
        TensorAssert.Close(batch.Latents.narrow(0, 2, 2), expectedClassLatents, 1e-6, 1e-5, "class latents");
    }

    private static long[] Ints(Tensor tensor) => tensor.data<long>().ToArray();
}
