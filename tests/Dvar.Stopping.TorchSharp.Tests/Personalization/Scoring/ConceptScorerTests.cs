using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Personalization.Training;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Scoring;

public class ConceptScorerTests
{
    private static readonly ConceptScorerOptions Quick = new()
    {
        TrainSamples = 5,
        ValidationTemplates = ["a {} on the beach", "{} in the snow"],
        SamplesPerValidationPrompt = 2,
        Steps = 2,
        GuidanceScale = 2,
        Seed = 3,
    };

    [Fact]
    public void Score_Samples_EqualThePairedCosinesComputedNaively()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var data = TinyConcept.Create(folder, placeholder: "toy");
        var metric = new PixelMetric();
        using var scorer = new ConceptScorer(metric, data, Quick);

        using var samples = scorer.Sample(pipeline);
        var scores = scorer.Score(samples);

        int n = data.Images.Count;
        double Paired(Tensor images)
        {
            double sum = 0;
            for (int i = 0; i < images.shape[0]; i++)
            {
                using var sample = images[i];
                using var reference = data.Images.GetImage(i % n, flip: false);
                sum += Cosine(PixelMetric.Features(sample), PixelMetric.Features(reference));
            }

            return sum / images.shape[0];
        }

        Assert.Equal(Paired(samples.TrainImages), scores.TrainImage, 1e-6);
        Assert.Equal(Paired(samples.ValidationImages!), scores.ValidationImage!.Value, 1e-6);
        Assert.Equal(samples.ValidationImages!.mean().item<float>(), scores.ValidationText!.Value, 1e-5);
        Assert.Equal(5, samples.TrainImages.shape[0]);
        Assert.Equal(4, samples.ValidationImages!.shape[0]);
        Assert.InRange(samples.TrainImages.min().item<float>(), -1f, 1f);
        Assert.InRange(samples.TrainImages.max().item<float>(), -1f, 1f);
    }

    [Fact]
    public void Score_AllPairsAndSecondImageMetric_EqualTheirNaiveFormulas()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var data = TinyConcept.Create(folder, placeholder: "toy");
        var metric = new PixelMetric();
        var second = new SquaredPixelMetric();
        using var scorer = new ConceptScorer(metric, data, Quick, second);

        using var samples = scorer.Sample(pipeline);
        var scores = scorer.Score(samples);

        int n = data.Images.Count;
        long k = samples.TrainImages.shape[0];
        double all = 0, paired = 0;
        for (int i = 0; i < k; i++)
        {
            using var sample = samples.TrainImages[i];
            for (int j = 0; j < n; j++)
            {
                using var reference = data.Images.GetImage(j, flip: false);
                all += Cosine(PixelMetric.Features(sample), PixelMetric.Features(reference));
            }

            using var pairedReference = data.Images.GetImage(i % n, flip: false);
            paired += Cosine(SquaredPixelMetric.Features(sample), SquaredPixelMetric.Features(pairedReference));
        }

        Assert.Equal(all / (k * n), scores.TrainImageAllPairs!.Value, 1e-6);
        Assert.Equal(paired / k, scores.DinoImage!.Value, 1e-6);
        Assert.NotEqual(scores.TrainImage, scores.DinoImage!.Value);
    }

    [Fact]
    public void Score_WithoutSecondImageMetric_HasNoDinoScore()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var data = TinyConcept.Create(folder, placeholder: "toy");
        using var scorer = new ConceptScorer(new PixelMetric(), data, Quick with { ValidationTemplates = [] });

        var scores = scorer.Score(pipeline);

        Assert.Null(scores.DinoImage);
        Assert.NotNull(scores.TrainImageAllPairs);
    }

    [Fact]
    public void Score_ValidationTexts_AreThePromptsWithoutThePlaceholder()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var data = TinyConcept.Create(folder, templates: PromptTemplateSet.Custom(["a photo of {}", "{} art"]), placeholder: "toy");
        var metric = new PixelMetric();
        using var scorer = new ConceptScorer(metric, data, Quick);

        scorer.Score(pipeline);

        Assert.Equal(["a on the beach", "a on the beach", "in the snow", "in the snow"], metric.Texts);
        Assert.Equal(["a photo of toy", "toy art", "a photo of toy", "toy art", "a photo of toy"], scorer.TrainPrompts);
        Assert.Equal(["a toy on the beach", "a toy on the beach", "toy in the snow", "toy in the snow"], scorer.ValidationPrompts);
    }

    [Fact]
    public void Sample_TwiceWithTheSameParameters_GivesBitIdenticalImages()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var data = TinyConcept.Create(folder, placeholder: "toy");
        using var scorer = new ConceptScorer(new PixelMetric(), data, Quick);

        using var first = scorer.Sample(pipeline);
        using var second = scorer.Sample(pipeline);

        Assert.True(first.TrainImages.Equals(second.TrainImages), "The training-prompt samples differ.");
        Assert.True(first.ValidationImages!.Equals(second.ValidationImages!), "The validation samples differ.");
    }

    [Fact]
    public void Score_WithoutValidationTemplates_HasNoValidationScores()
    {
        using var folder = new TemporaryFolder();
        using var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        using var data = TinyConcept.Create(folder, placeholder: "toy");
        using var scorer = new ConceptScorer(new PixelMetric(), data, Quick with { ValidationTemplates = [] });

        var scores = scorer.Score(pipeline);

        Assert.Null(scores.ValidationImage);
        Assert.Null(scores.ValidationText);
        Assert.InRange(scores.TrainImage, -1, 1);
    }

    [Theory]
    [InlineData("no placeholder", "ValidationTemplates")]
    public void Ctor_ValidationTemplateWithoutPlaceholder_ThrowsNamingTheOption(string template, string option)
    {
        using var folder = new TemporaryFolder();
        using var data = TinyConcept.Create(folder, placeholder: "toy");

        var e = Assert.Throws<ArgumentException>(() => new ConceptScorer(new PixelMetric(), data, Quick with { ValidationTemplates = [template] }));

        Assert.Equal(option, e.ParamName);
        Assert.Contains(template, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "TrainSamples")]
    [InlineData(-1, "Steps")]
    public void Ctor_OutOfRangeCount_ThrowsNamingTheOption(int value, string option)
    {
        using var folder = new TemporaryFolder();
        using var data = TinyConcept.Create(folder, placeholder: "toy");
        var options = option == "Steps" ? Quick with { Steps = value } : Quick with { TrainSamples = value };

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ConceptScorer(new PixelMetric(), data, options));

        Assert.Equal(option, e.ParamName);
    }

    [Theory]
    [InlineData("a photo of {}", "a photo of")]
    [InlineData("{}  on   a  beach", "on a beach")]
    [InlineData("a{}b", "a b")]
    public void WithoutPlaceholder_RemovesItAndCollapsesSpaces(string template, string expected) =>
        Assert.Equal(expected, ConceptScorer.WithoutPlaceholder(template));

    private static double Cosine(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
