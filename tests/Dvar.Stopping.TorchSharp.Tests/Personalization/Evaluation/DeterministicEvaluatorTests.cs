using Dvar.Stopping.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Evaluation;
using Dvar.Stopping.TorchSharp.Tests.Personalization.Evaluation.Reference;
using Dvar.Stopping.TorchSharp.Tests.Personalization.Training;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Evaluation;

public class DeterministicEvaluatorTests
{
    [Fact]
    public void Evaluate_TwiceWithoutParameterChange_GivesBitIdenticalLoss()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data);

        double first = evaluator.Evaluate();
        double second = evaluator.Evaluate();

        Assert.True(double.IsFinite(first) && first > 0, $"L_det = {first}");
        Assert.Equal(BitConverter.DoubleToInt64Bits(first), BitConverter.DoubleToInt64Bits(second));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_AfterChangingOnlyTheTrainedParameter_ChangesLoss(bool textSide)
    {
        using var setup = Setup.Create(textSide ? SingleParameterMethod.TextFinalNormBias() : SingleParameterMethod.UnetConvInBias());
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data);
        double before = evaluator.Evaluate();

        using (no_grad())
        {
            setup.Method.TrainableParameters[0].Parameter.add_(0.5);
        }

        Assert.NotEqual(before, evaluator.Evaluate());
    }

    [Fact]
    public void Evaluate_TextEncoderNotTrained_ReusesTheCachedConditioning()
    {
        // The method declares its text side frozen, so the evaluator may cache the text encoder's output: a change there
        // that the method's contract rules out must not be seen.
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data);
        double before = evaluator.Evaluate();

        using (no_grad())
        {
            setup.Pipeline.TextEncoder.named_parameters().Single(p => p.name == "text_model.final_layer_norm.bias").parameter.add_(0.5);
        }

        Assert.Equal(before, evaluator.Evaluate());
    }

    [Theory]
    [InlineData(true, 8)]
    [InlineData(false, 5)]
    public void Evaluate_AllFrozen_MatchesReferenceComputedFromTheFormulas(bool randomFlip, int batch)
    {
        var defaults = SingleParameterMethod.TestDefaults with { RandomFlip = randomFlip };
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(defaults));
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data, new DeterministicEvaluatorOptions { BatchSize = batch, Seed = 1234 });

        double actual = evaluator.Evaluate();
        double expected = DeterministicLossReference.Compute(setup.Pipeline, setup.Data, seed: 1234, batch, randomFlip);

        Assert.Equal(expected, actual, Math.Abs(expected) * 1e-5);
    }

    public static TheoryData<FrozenSources> EachSource => [FrozenSources.Images, FrozenSources.Captions, FrozenSources.Latents, FrozenSources.Timesteps, FrozenSources.Noise];

    [Theory]
    [MemberData(nameof(EachSource))]
    public void Evaluate_OneSourceUnfrozen_RedrawsItAndKeepsTheOthersFrozen(FrozenSources unfrozen)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        var sources = FrozenSources.All & ~unfrozen;
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data, new DeterministicEvaluatorOptions { FrozenSources = sources });

        evaluator.Evaluate();
        var first = Components(evaluator.LastDraw!);
        evaluator.Evaluate();
        var second = Components(evaluator.LastDraw!);
        var frozen = Components(evaluator.FrozenDraw);

        foreach (var (source, value) in frozen)
        {
            // Redrawn images need new latents, so unfreezing the images also redraws the VAE noise.
            bool redrawn = source == unfrozen || (unfrozen == FrozenSources.Images && source == FrozenSources.Latents);
            if (redrawn)
            {
                Assert.NotEqual(first[source], second[source]);
            }
            else
            {
                Assert.Equal(value, first[source]);
                Assert.Equal(value, second[source]);
            }
        }
    }

    [Fact]
    public void Evaluate_AllFrozen_UsesTheFrozenDrawWithDistinctTimesteps()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data);

        evaluator.Evaluate();

        Assert.Same(evaluator.FrozenDraw, evaluator.LastDraw);
        var draw = evaluator.FrozenDraw;
        long[] timesteps = draw.Timesteps.data<long>().ToArray();
        Assert.Equal(8, timesteps.Distinct().Count());
        Assert.All(timesteps, t => Assert.InRange(t, 0, 999));
        Assert.Equal(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 }, draw.ImageIndices);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), draw.TemplateIndices);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_RestoresTheModelsTrainingMode(bool training)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        setup.Pipeline.Unet.train(training);
        setup.Pipeline.TextEncoder.train(training);
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data);

        evaluator.Evaluate();

        Assert.Equal(training, setup.Pipeline.Unet.training);
        Assert.Equal(training, setup.Pipeline.TextEncoder.training);
    }

    [Fact]
    public void Evaluate_CancelledToken_Throws()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data);

        Assert.Throws<OperationCanceledException>(() => evaluator.Evaluate(new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Ctor_BatchSizeOutOfRange_ThrowsNamingBatchSize(int batch)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());

        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => new DeterministicEvaluator(setup.Method, setup.Data, new DeterministicEvaluatorOptions { BatchSize = batch }));

        Assert.Equal(nameof(DeterministicEvaluatorOptions.BatchSize), e.ParamName);
    }

    [Fact]
    public void Ctor_UnknownFrozenSourceBit_ThrowsNamingFrozenSources()
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias());

        var e = Assert.Throws<ArgumentOutOfRangeException>(
            () => new DeterministicEvaluator(setup.Method, setup.Data, new DeterministicEvaluatorOptions { FrozenSources = (FrozenSources)64 }));

        Assert.Equal(nameof(DeterministicEvaluatorOptions.FrozenSources), e.ParamName);
    }

    [Fact]
    public void Ctor_MethodNotAttached_ThrowsNamingMethod()
    {
        using var folder = new TemporaryFolder();
        using var data = TinyConcept.Create(folder);
        using var method = SingleParameterMethod.UnetConvInBias();

        var e = Assert.Throws<ArgumentException>(() => new DeterministicEvaluator(method, data));

        Assert.Equal("method", e.ParamName);
    }

    private static Dictionary<FrozenSources, string> Components(EvaluationDraw draw) => new()
    {
        [FrozenSources.Images] = string.Join(",", draw.ImageIndices) + "|" + string.Join(",", draw.Flips),
        [FrozenSources.Captions] = string.Join(",", draw.TemplateIndices),
        [FrozenSources.Latents] = Hex(draw.LatentNoise),
        [FrozenSources.Timesteps] = string.Join(",", draw.Timesteps.data<long>().ToArray()),
        [FrozenSources.Noise] = Hex(draw.Noise),
    };

    private static string Hex(Tensor tensor) => Convert.ToHexString(tensor.contiguous().bytes);

    [Fact]
    public void Constructor_RescaleAugmentation_DrawsTheFrozenAugmentationOnceFromTheEvaluatorGenerator()
    {
        var defaults = SingleParameterMethod.TestDefaults with { RescaleAugmentation = true };
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(defaults), withClassImages: true, keepOriginals: true);
        using var evaluator = new DeterministicEvaluator(setup.Method, setup.Data, new DeterministicEvaluatorOptions { BatchSize = 4, Seed = 21 });

        // Items 0..3 in order; per item its flip and augmentation in place of the flips; then the three noise draws.
        using var expected = new Generator(21, CPU);
        var draws = Enumerable.Range(0, 4).Select(_ => RescaleAugmentation.Draw(expected, TinyConcept.Resolution, randomFlip: true)).ToArray();
        var latentNoise = randn([4, 4, 16, 16], generator: expected);
        var timesteps = randperm(1000, generator: expected).narrow(0, 0, 4);
        var noise = randn([4, 4, 16, 16], generator: expected);
        var frozen = evaluator.FrozenDraw;
        Assert.Equal(draws, frozen.Augmentations);
        Assert.Equal(draws.Select(d => d.Prefix), frozen.Prefixes);
        Assert.Equal(draws.Select(d => d.Flip), frozen.Flips);
        Assert.Equal(new long[] { 0, 1, 2, 0 }, frozen.ImageIndices);
        Assert.True(frozen.LatentNoise.Equals(latentNoise) && frozen.Timesteps.Equals(timesteps) && frozen.Noise.Equals(noise), "noise draws");
        Assert.True(evaluator.Generator.get_state().Equals(expected.get_state()), "The evaluator drew more or less than documented.");

        double first = evaluator.Evaluate();
        double second = evaluator.Evaluate();
        Assert.True(double.IsFinite(first));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Constructor_RescaleAugmentationWithoutKeptOriginals_Throws()
    {
        var defaults = SingleParameterMethod.TestDefaults with { RescaleAugmentation = true };
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(defaults), withClassImages: true);

        var e = Assert.Throws<ArgumentException>(() => new DeterministicEvaluator(setup.Method, setup.Data));

        Assert.Equal("data", e.ParamName);
        Assert.Contains(nameof(ConceptImageOptions.KeepOriginals), e.Message, StringComparison.Ordinal);
    }
}
