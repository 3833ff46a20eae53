using Dvar.Stopping.TorchSharp.Dino;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Dino;

public class DinoImageProcessorTests
{
    private static DinoImageProcessor TinyProcessor() =>
        new(ConfigJson.Read<DinoProcessorConfig>(Path.Combine(DinoFixture.Folder, "preprocessor_config.json")));

    [Fact]
    public void Quantize_EveryByteMappedToMinusOneOne_RoundTrips()
    {
        using var bytes = arange(0, 256, ScalarType.Int64).to_type(ScalarType.Byte).view(1, 1, 16, 16).expand(1, 3, 16, 16).contiguous();
        using var images = bytes.to_type(ScalarType.Float32).div(127.5).sub(1);

        using var quantized = DinoImageProcessor.Quantize(images);

        Assert.Equal(bytes.data<byte>().ToArray(), quantized.data<byte>().ToArray());
    }

    [Fact]
    public void Quantize_OutOfRange_Clamps()
    {
        using var images = tensor(new float[] { -3, 2, 0, 0.999f }, [1, 1, 2, 2]);

        using var quantized = DinoImageProcessor.Quantize(images);

        Assert.Equal(new byte[] { 0, 255, 128, 255 }, quantized.data<byte>().ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Resize_FixtureImage_MatchesPillowExactly(int i)
    {
        using var fixture = DinoFixture.Load();

        using var resized = TinyProcessor().Resize(fixture[$"image_{i}"]);

        Assert.Equal(fixture[$"resized_{i}"].shape, resized.shape);
        Assert.Equal(fixture[$"resized_{i}"].data<byte>().ToArray(), resized.data<byte>().ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Resize_To224_MatchesPillowExactly(int i)
    {
        using var fixture = DinoFixture.Load();

        using var resized = DinoImageProcessor.ResizeTo(fixture[$"image_{i}"], 224);

        Assert.Equal(fixture[$"resized224_{i}"].data<byte>().ToArray(), resized.data<byte>().ToArray());
    }

    [Fact]
    public void Resize_SameSize_IsIdentity()
    {
        using var bytes = randint(0, 256, [2, 3, 7, 5], ScalarType.Byte);

        using var resized = DinoImageProcessor.ResizeTo(bytes.narrow(3, 0, 5).narrow(2, 0, 5), 5);

        using var expected = bytes.narrow(2, 0, 5).contiguous();
        Assert.Equal(expected.data<byte>().ToArray(), resized.data<byte>().ToArray());
    }

    [Fact]
    public void Preprocess_FixtureImages_MatchesReferencePixelValues()
    {
        using var fixture = DinoFixture.Load();
        var processor = TinyProcessor();
        var (atol, _) = DinoFixture.Tolerance("pixel_values");

        for (int i = 0; i < DinoFixture.ImageCount; i++)
        {
            using var image = fixture.Image(i);
            using var pixelValues = processor.Preprocess(image);

            Assert.Equal(ScalarType.Float32, pixelValues.dtype);
            using var expected = fixture["pixel_values"].narrow(0, i, 1);
            TensorAssert.Close(pixelValues, expected, atol, 0, $"pixel_values[{i}]");
        }
    }

    [Fact]
    public void Preprocess_WrongShapeOrDtype_Throws()
    {
        var processor = TinyProcessor();
        using var gray = zeros(1, 1, 8, 8);
        using var unbatched = zeros(3, 8, 8);
        using var bytes = zeros([1, 3, 8, 8], ScalarType.Byte);

        Assert.Contains("[n, 3, H, W]", Assert.Throws<ArgumentException>(() => processor.Preprocess(gray)).Message, StringComparison.Ordinal);
        Assert.Contains("[1, 1, 8, 8]", Assert.Throws<ArgumentException>(() => processor.Preprocess(gray)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => processor.Preprocess(unbatched));
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => processor.Preprocess(bytes)).Message, StringComparison.Ordinal);
    }
}
