using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Clip;
using Dvar.Stopping.TorchSharp.Imaging;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Clip;

public class ClipImageProcessorTests
{
    private const int ImageCount = 4;

    private static string Tiny => FixturePaths.ClipTiny;

    public static TheoryData<int> Images => [.. Enumerable.Range(0, ImageCount)];

    [Theory]
    [MemberData(nameof(Images))]
    public void ResizedSize_FixtureImage_MatchesCase(int index)
    {
        var image = PreprocessCase()["images"]![index]!;
        var raw = image["raw_shape_hw"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var resized = image["resized_hw"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var processor = ClipImageProcessor.FromPretrained(Tiny);

        var (height, width) = processor.ResizedSize(raw[0], raw[1]);

        Assert.Equal((resized[0], resized[1]), (height, width));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void PillowBicubic_FixtureImage_IsByteIdenticalToPillow(int index)
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        var image = cases[$"preprocess.input.image_{index}"];
        var expected = cases[$"preprocess.intermediate.resized_{index}"];

        var resized = PillowResampler.Resize(
            image.bytes, (int)image.shape[0], (int)image.shape[1], 3, (int)expected.shape[0], (int)expected.shape[1], PillowFilter.Bicubic);

        var reference = expected.bytes.ToArray();
        int differing = resized.Zip(reference).Count(p => p.First != p.Second);
        Assert.True(differing == 0, $"image {index}: {differing} of {reference.Length} bytes differ from Pillow's.");
    }

    [Fact]
    public void Preprocess_FixtureImages_MatchPixelValuesAtPillowExactTolerance()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        var tolerance = PreprocessCase()["tolerance"]!;
        var processor = ClipImageProcessor.FromPretrained(Tiny);
        var images = Enumerable.Range(0, ImageCount).Select(i => cases[$"preprocess.input.image_{i}"]).ToList();

        using var pixels = processor.Preprocess(images);

        TensorAssert.Close(pixels, cases["preprocess.output.pixel_values"], tolerance["atol"]!.GetValue<double>(), tolerance["rtol"]!.GetValue<double>(), "pixel_values");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Preprocess_DecodedPng_EqualsStoredImageAndReference(int index)
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        string png = PreprocessCase()["images"]![index]!["png"]!.GetValue<string>();
        using var planar = ImageDecoder.Decode(Path.Combine(Tiny, png), 1);
        using var decoded = planar.permute(1, 2, 0).contiguous();
        var processor = ClipImageProcessor.FromPretrained(Tiny);

        using var pixels = processor.Preprocess([decoded]);

        Assert.True(decoded.Equals(cases[$"preprocess.input.image_{index}"]), $"{png} decodes to other pixels than the stored image.");
        using var expected = cases["preprocess.output.pixel_values"][index].unsqueeze(0);
        TensorAssert.Close(pixels, expected, 2e-6, 0, $"pixel_values of {png}");
    }

    [Fact]
    public void PreprocessFiles_FixturePngs_MatchPixelValues()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        var pngs = PreprocessCase()["images"]!.AsArray().Select(i => Path.Combine(Tiny, i!["png"]!.GetValue<string>())).ToList();
        var processor = ClipImageProcessor.FromPretrained(Tiny);

        using var pixels = processor.PreprocessFiles(pngs);

        TensorAssert.Close(pixels, cases["preprocess.output.pixel_values"], 2e-6, 0, "pixel_values of the PNG files");
    }

    [Fact]
    public void PreprocessSigned_ImagesInMinusOneToOne_RoundTripToTheSameBytes()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        var processor = ClipImageProcessor.FromPretrained(Tiny);
        using var raw = cases["preprocess.input.image_0"].permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32);
        using var signed = raw / 127.5 - 1;

        using var pixels = processor.PreprocessSigned(signed);

        using var expected = cases["preprocess.output.pixel_values"][0].unsqueeze(0);
        TensorAssert.Close(pixels, expected, 2e-6, 0, "pixel_values from [-1, 1]");
    }

    [Fact]
    public void PreprocessSigned_OutOfRangeValues_AreClampedLikeSavingAPng()
    {
        var processor = new ClipImageProcessor(new ClipImageProcessorConfig { ShortestEdge = 2, CropHeight = 2, CropWidth = 2, DoNormalize = false });
        using var images = tensor(new float[] { -3, -1, 0, 1, 2, 0.999f, -0.999f, 0.5f, 0, 0, 0, 0 }).view(1, 3, 2, 2);

        using var pixels = processor.PreprocessSigned(images);

        // round(255 * clamp(x / 2 + 0.5, 0, 1)) / 255: 0, 0, 128 (127.5 to even), 255, 255, 255 (254.87), 0 (0.13), 191 (191.25).
        var expected = new[] { 0, 0, 128, 255, 255, 255, 0, 191, 128, 128, 128, 128 }.Select(v => (float)(v * (1.0 / 255))).ToArray();
        Assert.Equal(expected, pixels.data<float>().ToArray());
    }

    [Fact]
    public void Read_FeatureExtractorLayout_ReadsNumbersAsShortestEdgeAndSquareCrop()
    {
        var config = ClipImageProcessorConfig.Read(Path.Combine(FixturePaths.ClipStructure, "openai-clip-vit-large-patch14", "preprocessor_config.json"));

        Assert.Equal(224, config.ShortestEdge);
        Assert.Null(config.ResizeHeight);
        Assert.Equal((224, 224), (config.CropHeight, config.CropWidth));
        Assert.Equal(ClipImageProcessorConfig.OpenAiClipMean, config.ImageMean);
        Assert.Equal(ClipImageProcessorConfig.OpenAiClipStd, config.ImageStd);
        Assert.True(config.DoRescale);
        Assert.Equal(1.0 / 255, config.RescaleFactor);
    }

    [Fact]
    public void Parse_ImageProcessorLayout_ReadsObjects()
    {
        const string json = """
            {"crop_size": {"height": 20, "width": 24}, "do_center_crop": true, "do_normalize": true, "do_resize": true,
             "image_processor_type": "CLIPImageProcessor", "image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.5, 1.0],
             "resample": 3, "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 30}}
            """;

        var config = ClipImageProcessorConfig.Parse(json, "test");
        var processor = new ClipImageProcessor(config);

        Assert.Equal(30, config.ShortestEdge);
        Assert.Equal((20, 24), (processor.OutputHeight, processor.OutputWidth));
        Assert.Equal([0.25, 0.5, 1.0], config.ImageStd);
    }

    [Fact]
    public void Parse_BothLayoutsOfTheSameSettings_AreEqualAndPreprocessAlike()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        string old = File.ReadAllText(Path.Combine(Tiny, "preprocessor_config.json"));
        string current = old.Replace("\"size\": 32", "\"size\": {\"shortest_edge\": 32}", StringComparison.Ordinal)
            .Replace("\"crop_size\": 32", "\"crop_size\": {\"height\": 32, \"width\": 32}", StringComparison.Ordinal)
            .Replace("feature_extractor_type\": \"CLIPFeatureExtractor", "image_processor_type\": \"CLIPImageProcessor", StringComparison.Ordinal);
        Assert.NotEqual(old, current);
        Assert.Contains("shortest_edge", current, StringComparison.Ordinal);
        var images = Enumerable.Range(0, ImageCount).Select(i => cases[$"preprocess.input.image_{i}"]).ToList();

        var processor = new ClipImageProcessor(ClipImageProcessorConfig.Parse(current, "current layout"));
        using var pixels = processor.Preprocess(images);

        var none = Array.Empty<double>();
        Assert.Equal(ClipImageProcessorConfig.Parse(old, "old layout") with { ImageMean = none, ImageStd = none }, processor.Config with { ImageMean = none, ImageStd = none });
        TensorAssert.Close(pixels, cases["preprocess.output.pixel_values"], 2e-6, 0, "pixel_values with the image-processor layout");
    }

    [Theory]
    [InlineData("""{"resample": 2}""", "resample")]
    [InlineData("""{"size": "big"}""", "size")]
    [InlineData("""{"crop_size": {"height": 3}}""", "width")]
    [InlineData("""{"image_std": [1, 0, 1]}""", "image_std")]
    [InlineData("""{"image_processor_type": "ViTImageProcessor"}""", "image_processor_type")]
    [InlineData("""{"size": {"shortest_edge": 0}}""", "size.shortest_edge")]
    [InlineData("""{"do_resize": 1}""", "do_resize")]
    [InlineData("""[1]""", "object")]
    [InlineData("""{"size": 22""", "test.json")]
    public void Parse_InvalidValue_ThrowsNamingKey(string json, string named)
    {
        var e = Assert.Throws<InvalidDataException>(() => ClipImageProcessorConfig.Parse(json, "test.json"));

        Assert.Contains("test.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Preprocess_ImageSmallerThanCropWithoutResize_ThrowsNamingSizes()
    {
        var processor = new ClipImageProcessor(new ClipImageProcessorConfig { DoResize = false, CropHeight = 8, CropWidth = 8 });
        using var image = zeros([6, 10, 3], ScalarType.Byte);

        var e = Assert.Throws<ArgumentException>(() => processor.Preprocess([image]));

        Assert.Contains("6x10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Preprocess_WrongLayout_ThrowsNamingShape()
    {
        var processor = new ClipImageProcessor();
        using var image = zeros([3, 10, 10], ScalarType.Byte);

        var e = Assert.Throws<ArgumentException>(() => processor.Preprocess([image]));

        Assert.Contains("[H, W, 3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PillowBicubic_SameSize_ReturnsTheImageUnchanged()
    {
        var pixels = Enumerable.Range(0, 5 * 7 * 3).Select(i => (byte)(i * 37)).ToArray();

        var resized = PillowResampler.Resize(pixels, 5, 7, 3, 5, 7, PillowFilter.Bicubic);

        Assert.Equal(pixels, resized);
    }

    [Theory]
    [InlineData(1, 1, 9, 13)]
    [InlineData(40, 30, 7, 5)]
    [InlineData(3, 50, 3, 4)]
    public void PillowBicubic_ConstantImage_StaysConstant(int height, int width, int newHeight, int newWidth)
    {
        // The weights of every output sum to 2^22 up to rounding, so a constant image must come back constant.
        var pixels = Enumerable.Repeat((byte)200, height * width * 3).ToArray();

        var resized = PillowResampler.Resize(pixels, height, width, 3, newHeight, newWidth, PillowFilter.Bicubic);

        Assert.Equal(newHeight * newWidth * 3, resized.Length);
        Assert.All(resized, b => Assert.Equal(200, b));
    }

    private static JsonObject PreprocessCase() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Tiny, "cases.json")))!["cases"]!.AsArray()
            .Single(c => c!["name"]!.GetValue<string>() == "preprocess")!.AsObject();
}
