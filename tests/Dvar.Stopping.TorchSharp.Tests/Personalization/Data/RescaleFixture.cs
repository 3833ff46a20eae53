using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

/// <summary>Reads the rescale-augmentation fixtures (tests/fixtures/cd-augmentation, cd-augmentation-diffusers): their cases,
/// originals and the reference pixels, stored as uint8 codes plus a padding map (see each folder's make_fixture.py).</summary>
internal static class RescaleFixture
{
    /// <summary>The cases of a fixture folder's cases.json.</summary>
    public static List<JsonNode> Cases(string folder) =>
        [.. JsonNode.Parse(File.ReadAllText(FixturePaths.Get(folder, "cases.json")))!["cases"]!.AsArray().Select(c => c!)];

    /// <summary>The case of that name.</summary>
    public static JsonNode Case(string folder, string name) => Cases(folder).Single(c => c["name"]!.GetValue<string>() == name);

    /// <summary>An original photo of the fixture.</summary>
    public static OriginalImage Original(ReferenceCases cases, string name)
    {
        var t = cases["original/" + name];
        return new OriginalImage(t.bytes.ToArray(), (int)t.shape[0], (int)t.shape[1]);
    }

    /// <summary>Asserts that pixels [3, S, S] equal the reference's float32 values bit for bit, and the mask its mask.</summary>
    public static void AssertMatches(ReferenceCases cases, string name, int size, Tensor pixels, Tensor mask, string source)
    {
        Assert.Equal(new long[] { 3, size, size }, pixels.shape);
        Assert.Equal(ScalarType.Float32, pixels.dtype);
        // The reference's float32 pixels, rebuilt from their uint8 encoding (make_fixture.py checks the rebuild is bit-exact).
        byte[] code = cases[name + "/code"].bytes.ToArray();
        byte[] pad = cases[name + "/pad"].bytes.ToArray();
        float[] actual = pixels.data<float>().ToArray();
        int differing = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            float expected = pad[i % (size * size)] == 1 ? 0f : (float)((code[i] / 127.5) - 1.0);
            differing += BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual[i]) ? 0 : 1;
        }

        Assert.True(differing == 0, $"{differing} of {actual.Length} pixel values differ from {source}'s.");
        Assert.Equal(new long[] { size / 8, size / 8 }, mask.shape);
        Assert.Equal(cases[name + "/mask"].bytes.ToArray().Select(v => (float)v), mask.data<float>().ToArray());
    }
}
