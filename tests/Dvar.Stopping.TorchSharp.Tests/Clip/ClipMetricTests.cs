using Dvar.Stopping.TorchSharp.Clip;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Clip;

public class ClipMetricTests
{
    private static string Tiny => FixturePaths.ClipTiny;

    [Fact]
    public void FromPretrained_TinyFolder_IsAnImageTextMetricNamedAfterTheFolder()
    {
        using var metric = ClipMetric.FromPretrained(Tiny);

        IImageTextMetric asMetric = metric;
        Assert.Equal("clip-tiny", asMetric.Name);
        Assert.False(metric.Model.training);
    }

    [Fact]
    public void ImageFeatures_FixtureImagesInMinusOneToOne_MatchPreprocessFeatures()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var metric = ClipMetric.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("preprocess_features");

        for (int i = 0; i < 4; i++)
        {
            using var signed = Signed(cases[$"preprocess.input.image_{i}"]);

            using var features = metric.ImageFeatures(signed);

            using var expected = cases["preprocess_features.output.image_embeds"][i].unsqueeze(0);
            Assert.Equal(ScalarType.Float32, features.dtype);
            TensorAssert.Close(features, expected, atol, rtol, $"image_embeds of image {i}");
        }
    }

    [Fact]
    public void TextFeatures_FixturePrompts_MatchReferenceThroughTheTokenizer()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var metric = ClipMetric.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("text_features");
        var prompts = cases.Case("text_features")["prompts"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();

        using var features = metric.TextFeatures(prompts);

        TensorAssert.Close(features, cases["text_features.output.text_embeds"], atol, rtol, "text_embeds");
    }

    [Fact]
    public void TextAlignment_FixtureImageAndPrompts_IsThePlainCosine()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var metric = ClipMetric.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("similarity");
        var prompts = cases.Case("text_features")["prompts"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        using var image = Signed(cases["preprocess.input.image_3"]);
        using var images = cat([image, image], 0);

        using var scores = metric.TextAlignment(images, prompts);

        // Image 3 (32 x 32, no resize) against both prompts: row 3 of the reference cosine matrix, not 100 x cos, not logits.
        using var expected = cases["similarity.output.cos_preprocessed_text"][3];
        TensorAssert.Close(scores, expected, atol, rtol, "cos(image 3, prompt j)");
    }

    [Fact]
    public void ImageFeatures_IdenticalImages_HaveCosineOne()
    {
        using var metric = ClipMetric.FromPretrained(Tiny);
        using var generator = new Generator(7);
        using var one = rand([1, 3, 40, 56], generator: generator) * 2 - 1;
        using var images = cat([one, one], 0);

        using var features = metric.ImageFeatures(images);
        using var normalized = nn.functional.normalize(features, p: 2, dim: 1);
        double cosine = (normalized[0] * normalized[1]).sum().item<float>();

        Assert.Equal(1.0, cosine, 5);
    }

    [Fact]
    public void TextAlignment_RandomImages_ScoresLieInMinusOneToOne()
    {
        using var metric = ClipMetric.FromPretrained(Tiny);
        using var generator = new Generator(11);
        using var images = rand([6, 3, 33, 47], generator: generator) * 2.4 - 1.2;
        string[] texts = ["a photo of a dog", "a cat", "", "sunset over the sea", "a dog", "x y z"];

        using var scores = metric.TextAlignment(images, texts);

        Assert.Equal([6L], scores.shape);
        Assert.All(scores.data<float>().ToArray(), s => Assert.InRange(s, -1.0f - 1e-6f, 1.0f + 1e-6f));
    }

    [Fact]
    public void TextAlignment_CountMismatch_ThrowsNamingCounts()
    {
        using var metric = ClipMetric.FromPretrained(Tiny);
        using var images = zeros(2, 3, 32, 32);

        var e = Assert.Throws<ArgumentException>(() => metric.TextAlignment(images, ["one"]));

        Assert.Contains("texts.Count (1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextAlignment_Repeated_LeaksNoTensorsAndRecordsNoGradient()
    {
        using var metric = ClipMetric.FromPretrained(Tiny);
        using var images = zeros(2, 3, 36, 32);
        string[] texts = ["a", "b"];

        LiveTensors.AssertNoGrowth(3, () =>
        {
            using var scores = metric.TextAlignment(images, texts);
            using var features = metric.ImageFeatures(images);
            Assert.False(scores.requires_grad);
            Assert.False(features.requires_grad);
        });
    }

    [Fact]
    public void Ctor_ProcessorSizeDiffersFromModel_ThrowsNamingSizes()
    {
        using var model = ClipModel.FromPretrained(Tiny);
        var processor = new ClipImageProcessor();

        var e = Assert.Throws<ArgumentException>(() => new ClipMetric(model, processor, ClipTokenizer.CreateDefault(), "clip"));

        Assert.Contains("224x224", e.Message, StringComparison.Ordinal);
        Assert.Contains("image_size is 32", e.Message, StringComparison.Ordinal);
    }

    /// <summary>An uint8 [H, W, 3] image as the [1, 3, H, W] float image in [-1, 1] a decoder would produce.</summary>
    private static Tensor Signed(Tensor image)
    {
        using var planar = image.permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32);
        return (planar / 127.5) - 1;
    }
}
