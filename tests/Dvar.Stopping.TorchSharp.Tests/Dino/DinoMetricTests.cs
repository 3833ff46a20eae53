using Dvar.Stopping.TorchSharp.Dino;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Dino;

public class DinoMetricTests
{
    [Fact]
    public void ImageFeatures_FixtureImages_MatchReferenceFeatures()
    {
        using var fixture = DinoFixture.Load();
        using var metric = DinoMetric.FromPretrained(DinoFixture.Folder);
        var (atol, rtol) = DinoFixture.Tolerance("features");

        for (int i = 0; i < DinoFixture.ImageCount; i++)
        {
            using var image = fixture.Image(i);
            using var features = metric.ImageFeatures(image);

            Assert.Equal(ScalarType.Float32, features.dtype);
            Assert.False(features.requires_grad);
            using var expected = fixture["features"].narrow(0, i, 1);
            TensorAssert.Close(features, expected, atol, rtol, $"features[{i}]");
        }
    }

    [Fact]
    public void Similarity_FixtureImages_MatchesReferenceMatrix()
    {
        using var fixture = DinoFixture.Load();
        using var metric = DinoMetric.FromPretrained(DinoFixture.Folder);
        var (atol, _) = DinoFixture.Tolerance("similarity");
        using var scope = NewDisposeScope();

        var features = cat([.. Enumerable.Range(0, DinoFixture.ImageCount).Select(i => metric.ImageFeatures(fixture.Image(i)))], 0);
        var unit = nn.functional.normalize(features, dim: 1);
        var similarity = unit.matmul(unit.t());

        TensorAssert.Close(similarity, fixture["similarity"], atol, 0, "similarity");
    }

    [Fact]
    public void ImageFeatures_IdenticalImages_CosineIsOne()
    {
        using var fixture = DinoFixture.Load();
        using var metric = DinoMetric.FromPretrained(DinoFixture.Folder);
        using var scope = NewDisposeScope();
        var image = fixture.Image(0);

        var features = metric.ImageFeatures(cat([image, image], 0));
        double cosine = nn.functional.cosine_similarity(features[0].unsqueeze(0), features[1].unsqueeze(0)).item<float>();

        Assert.Equal(1.0, cosine, 5);
    }

    [Fact]
    public void ImageFeatures_Repeated_LeavesNoLiveTensors()
    {
        using var fixture = DinoFixture.Load();
        using var metric = DinoMetric.FromPretrained(DinoFixture.Folder);
        using var image = fixture.Image(0);

        LiveTensors.AssertNoGrowth(20, () =>
        {
            using var features = metric.ImageFeatures(image);
        });
    }

    [Fact]
    public void ImageFeatures_WrongShape_Throws()
    {
        using var metric = DinoMetric.FromPretrained(DinoFixture.Folder);
        using var rgba = zeros(1, 4, 16, 16);

        var e = Assert.Throws<ArgumentException>(() => metric.ImageFeatures(rgba));

        Assert.Contains("[n, 3, H, W]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_IsAnImageMetricNamedDinoVits16()
    {
        using var metric = DinoMetric.FromPretrained(DinoFixture.Folder);

        IImageMetric asMetric = metric;
        Assert.Equal("dino-vits16", asMetric.Name);
        Assert.False(metric.Model.training);
    }

    [Fact]
    public void FromPretrained_ProcessorSizeDiffersFromImageSize_Throws()
    {
        using var dir = new TemporaryFolder();
        foreach (string file in new[] { "config.json", "model.safetensors" })
        {
            File.Copy(Path.Combine(DinoFixture.Folder, file), Path.Combine(dir.Path, file));
        }

        File.WriteAllText(Path.Combine(dir.Path, "preprocessor_config.json"), """{"size": 224, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}""");

        var e = Assert.Throws<InvalidDataException>(() => DinoMetric.FromPretrained(dir.Path));

        Assert.Contains("size 224 differs from image_size 32", e.Message, StringComparison.Ordinal);
    }
}
