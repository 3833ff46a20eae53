using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Imaging;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Imaging;

/// <summary>The bilinear filter against Pillow 9.4's <c>Image.resize(..., BILINEAR)</c> (tests/fixtures/cd-augmentation).</summary>
public class PillowResamplerTests
{
    public static TheoryData<int> Resizes => [.. Enumerable.Range(0, Document()["resizes"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(Resizes))]
    public void Bilinear_FixtureResize_IsByteIdenticalToPillow(int index)
    {
        var entry = Document()["resizes"]![index]!;
        using var cases = ReferenceCases.LoadFolder(FixturePaths.Get("cd-augmentation"));
        var original = cases["original/" + entry["original"]!.GetValue<string>()];
        var expected = cases[entry["key"]!.GetValue<string>()];
        int width = entry["width"]!.GetValue<int>();
        int height = entry["height"]!.GetValue<int>();

        var resized = PillowResampler.Resize(
            original.bytes, (int)original.shape[0], (int)original.shape[1], 3, height, width, PillowFilter.Bilinear);

        Assert.Equal(new long[] { height, width, 3 }, expected.shape);
        Assert.Equal(expected.bytes.ToArray(), resized);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Resize_SameSize_ReturnsTheImageUnchanged(bool bilinear)
    {
        var filter = bilinear ? PillowFilter.Bilinear : PillowFilter.Bicubic;
        var pixels = Enumerable.Range(0, 6 * 4 * 3).Select(i => (byte)(i * 53)).ToArray();

        Assert.Equal(pixels, PillowResampler.Resize(pixels, 6, 4, 3, 6, 4, filter));
    }

    [Theory]
    [InlineData(1, 1, 9, 13)]
    [InlineData(40, 30, 7, 5)]
    [InlineData(3, 50, 3, 4)]
    public void Bilinear_ConstantImage_StaysConstant(int height, int width, int newHeight, int newWidth)
    {
        // Non-negative weights summing to 2^22 up to rounding: a constant image must come back constant.
        var pixels = Enumerable.Repeat((byte)77, height * width * 3).ToArray();

        var resized = PillowResampler.Resize(pixels, height, width, 3, newHeight, newWidth, PillowFilter.Bilinear);

        Assert.Equal(newHeight * newWidth * 3, resized.Length);
        Assert.All(resized, b => Assert.Equal(77, b));
    }

    [Fact]
    public void Bilinear_DoublingOneRow_InterpolatesHalfwayValues()
    {
        // 2 -> 4 pixels: output centres at 0.25, 0.75, 1.25, 1.75 of the input; the triangle gives 0, 1/4, 3/4, 1 of the step
        // (outer ones clamp to the edge pixel): 0 and 200 become 0, 50, 150, 200.
        byte[] pixels = [0, 200];

        var resized = PillowResampler.Resize(pixels, 1, 2, 1, 1, 4, PillowFilter.Bilinear);

        Assert.Equal(new byte[] { 0, 50, 150, 200 }, resized);
    }

    private static JsonNode Document() =>
        JsonNode.Parse(File.ReadAllText(FixturePaths.Get("cd-augmentation", "cases.json")))!;
}
