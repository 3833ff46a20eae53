using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
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

    [Fact]
    public void Draw_WithRescaleAugmentation_FollowsTheDocumentedOrderAndEncodesTheAugmentedPixels()
    {
        var defaults = SingleParameterMethod.TestDefaults with { RescaleAugmentation = true };
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(defaults), withClassImages: true, keepOriginals: true);
        Assert.True(RescaleAugmentation.AppliesTo(setup.Method, setup.Data));
        using var instances = new LatentPosteriorCache(setup.Pipeline, setup.Data.Images);
        using var classes = new LatentPosteriorCache(setup.Pipeline, setup.Data.ClassImages!);
        var sampler = new TrainingBatchSampler(setup.Pipeline, setup.Data, instances, classes, batchSize: 3, randomFlip: true, rescale: RescaleStyle.Authors);
        using var generator = new Generator(9, CPU);

        using var batch = sampler.Draw(generator);

        // Images, then per item its flip and augmentation, then templates, class items, VAE noise, timesteps, noise.
        using var expected = new Generator(9, CPU);
        long[] images = Ints(randint(0L, 3L, new long[] { 3 }, ScalarType.Int64, generator: expected));
        var draws = Enumerable.Range(0, 3).Select(_ => RescaleAugmentation.Draw(expected, TinyConcept.Resolution, randomFlip: true)).ToArray();
        long[] templates = Ints(randint(0L, 27L, new long[] { 3 }, ScalarType.Int64, generator: expected));
        randint(0L, 2L, new long[] { 3 }, ScalarType.Int64, generator: expected); // class images
        randint(0L, 2L, new long[] { 3 }, ScalarType.Int64, generator: expected); // class flips
        var vaeNoise = randn([6, 4, 16, 16], generator: expected);
        var timesteps = randint(0L, 1000L, new long[] { 6 }, ScalarType.Int64, generator: expected);
        var noise = randn([6, 4, 16, 16], generator: expected);

        Assert.True(generator.get_state().Equals(expected.get_state()), "The sampler drew more or less than documented.");
        Assert.True(batch.Timesteps.Equals(timesteps), "timesteps");
        Assert.True(batch.Noise.Equals(noise), "noise");
        var (pixels, masks, prefixes) = RescaleAugmentation.ApplyBatch(setup.Data.Images, images, draws, setup.Pipeline.VaeScaleFactor);
        var prompts = templates.Select((t, i) => prefixes[i] + setup.Data.Prompt((int)t)).Concat(["a photo of dog", "a photo of dog", "a photo of dog"]).ToList();
        Assert.True(batch.InputIds.Equals(setup.Pipeline.Tokenizer.EncodeToTensor(prompts)), "captions with prefixes");
        Assert.NotNull(batch.InstanceMask);
        Assert.True(batch.InstanceMask!.Equals(masks), "instance masks");
        using var posterior = setup.Pipeline.Vae.Encode(pixels);
        var expectedLatents = ((posterior.Mean + (posterior.Std * vaeNoise.narrow(0, 0, 3))) * 0.18215).detach();
        TensorAssert.Close(batch.Latents.narrow(0, 0, 3), expectedLatents, 1e-6, 1e-5, "augmented instance latents");
    }

    [Fact]
    public void Draw_FlagFalseWithClassImagesAndOriginals_KeepsTheUnaugmentedStream()
    {
        // As TrainingSession builds it: RescaleAugmentation false leaves the documented draws and the posterior cache.
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(), withClassImages: true, keepOriginals: true);
        var rescale = RescaleAugmentation.StyleFor(setup.Method, setup.Data);
        using var instances = new LatentPosteriorCache(setup.Pipeline, setup.Data.Images);
        using var classes = new LatentPosteriorCache(setup.Pipeline, setup.Data.ClassImages!);
        var sampler = new TrainingBatchSampler(setup.Pipeline, setup.Data, instances, classes, batchSize: 2, randomFlip: true, rescale);
        using var generator = new Generator(6, CPU);

        using var batch = sampler.Draw(generator);

        using var expected = new Generator(6, CPU);
        long[] images = Ints(randint(0L, 3L, new long[] { 2 }, ScalarType.Int64, generator: expected));
        bool[] flips = [.. Ints(randint(0L, 2L, new long[] { 2 }, ScalarType.Int64, generator: expected)).Select(f => f == 1)];
        randint(0L, 27L, new long[] { 2 }, ScalarType.Int64, generator: expected);
        randint(0L, 2L, new long[] { 2 }, ScalarType.Int64, generator: expected);
        randint(0L, 2L, new long[] { 2 }, ScalarType.Int64, generator: expected);
        var vaeNoise = randn([4, 4, 16, 16], generator: expected);
        randint(0L, 1000L, new long[] { 4 }, ScalarType.Int64, generator: expected);
        randn([4, 4, 16, 16], generator: expected);
        Assert.Null(rescale);
        Assert.Null(batch.InstanceMask);
        Assert.True(generator.get_state().Equals(expected.get_state()), "The training generator's stream changed.");
        using var posterior = setup.Pipeline.Vae.Encode(setup.Data.Images.Gather(images, flips));
        var expectedLatents = ((posterior.Mean + (posterior.Std * vaeNoise.narrow(0, 0, 2))) * 0.18215).detach();
        TensorAssert.Close(batch.Latents.narrow(0, 0, 2), expectedLatents, 1e-6, 1e-5, "instance latents");
    }

    [Fact]
    public void StyleFor_AuthorsNeedClassImages_DiffusersAugmentWithOrWithout_NothingWithoutTheFlag()
    {
        var authors = SingleParameterMethod.TestDefaults with { RescaleAugmentation = true };
        var diffusers = authors with { Recipe = TrainingRecipe.Diffusers };
        RescaleStyle? Style(PersonalizationDefaults defaults, bool classes)
        {
            using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(defaults), withClassImages: classes, keepOriginals: true);
            return RescaleAugmentation.StyleFor(setup.Method, setup.Data);
        }

        Assert.Null(Style(authors, classes: false));
        Assert.Equal(RescaleStyle.Authors, Style(authors, classes: true));
        Assert.Equal(RescaleStyle.Diffusers, Style(diffusers, classes: false));
        Assert.Equal(RescaleStyle.Diffusers, Style(diffusers, classes: true));
        Assert.Null(Style(diffusers with { RescaleAugmentation = false }, classes: false));
    }

    [Fact]
    public void Draw_WithDiffusersRescaleWithoutClassImages_DrawsDiffusersAugmentationAndMasksTheInstanceLoss()
    {
        var defaults = SingleParameterMethod.TestDefaults with { RescaleAugmentation = true, Recipe = TrainingRecipe.Diffusers };
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(defaults), keepOriginals: true);
        using var instances = new LatentPosteriorCache(setup.Pipeline, setup.Data.Images);
        var sampler = new TrainingBatchSampler(setup.Pipeline, setup.Data, instances, null, batchSize: 3, randomFlip: false,
            RescaleAugmentation.StyleFor(setup.Method, setup.Data));
        using var generator = new Generator(11, CPU);

        using var batch = sampler.Draw(generator);

        // Images, then per item diffusers' draws (no flip), then templates, VAE noise, timesteps, noise.
        using var expected = new Generator(11, CPU);
        long[] images = Ints(randint(0L, 3L, new long[] { 3 }, ScalarType.Int64, generator: expected));
        var draws = Enumerable.Range(0, 3).Select(_ => RescaleAugmentation.Draw(expected, TinyConcept.Resolution, randomFlip: false, RescaleStyle.Diffusers)).ToArray();
        long[] templates = Ints(randint(0L, 27L, new long[] { 3 }, ScalarType.Int64, generator: expected));
        var vaeNoise = randn([3, 4, 16, 16], generator: expected);
        var timesteps = randint(0L, 1000L, new long[] { 3 }, ScalarType.Int64, generator: expected);
        var noise = randn([3, 4, 16, 16], generator: expected);

        Assert.True(generator.get_state().Equals(expected.get_state()), "The sampler drew more or less than documented.");
        Assert.True(batch.Timesteps.Equals(timesteps), "timesteps");
        Assert.True(batch.Noise.Equals(noise), "noise");
        Assert.Equal(3, batch.InstanceCount);
        Assert.Equal(3, batch.Count);
        var (pixels, masks, prefixes) = RescaleAugmentation.ApplyBatch(setup.Data.Images, images, draws, setup.Pipeline.VaeScaleFactor);
        var prompts = templates.Select((t, i) => prefixes[i] + setup.Data.Prompt((int)t)).ToList();
        Assert.True(batch.InputIds.Equals(setup.Pipeline.Tokenizer.EncodeToTensor(prompts)), "captions with prefixes");
        Assert.NotNull(batch.InstanceMask);
        Assert.True(batch.InstanceMask!.Equals(masks), "instance masks");
        using var posterior = setup.Pipeline.Vae.Encode(pixels);
        TensorAssert.Close(batch.Latents, ((posterior.Mean + (posterior.Std * vaeNoise)) * 0.18215).detach(), 1e-6, 1e-5, "augmented latents");
    }

    private static long[] Ints(Tensor tensor) => tensor.data<long>().ToArray();
}
