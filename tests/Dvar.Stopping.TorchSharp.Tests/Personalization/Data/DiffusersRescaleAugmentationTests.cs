using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

/// <summary>diffusers' version of Custom Diffusion's random rescaling against diffusers' own <c>CustomDiffusionDataset</c>
/// (tests/fixtures/cd-augmentation-diffusers) and against the properties of its draws.</summary>
public class DiffusersRescaleAugmentationTests
{
    private const string Folder = "cd-augmentation-diffusers";

    public static TheoryData<string> AllCases => [.. Cases().Select(c => c["name"]!.GetValue<string>())];

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Apply_FedDiffusersDraws_ReproducesTheirPixelsMaskAndPrefixExactly(string name)
    {
        var entry = Case(name);
        int size = entry["size"]!.GetValue<int>();
        using var cases = ReferenceCases.LoadFolder(FixturePaths.Get(Folder));
        var calls = Calls(entry);
        var draw = RescaleAugmentation.DrawDiffusers(size, entry["flip"]!.GetValue<bool>(), Uniform(calls), Randint(calls));
        Assert.Empty(calls);
        var original = RescaleFixture.Original(cases, entry["original"]!.GetValue<string>());

        var (pixels, mask, prefix) = RescaleAugmentation.Apply(original, draw);
        using var p = pixels;
        using var m = mask;

        Assert.Equal(RescaleStyle.Diffusers, draw.Style);
        Assert.Equal(entry["prefix"]!.GetValue<string>(), prefix);
        RescaleFixture.AssertMatches(cases, name, size, pixels, mask, "diffusers");
    }

    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(512)]
    public void Draw_ManyDraws_HaveDiffusersRangesAndFrequencies(int size)
    {
        using var generator = new Generator(17, CPU);
        const int n = 6000;
        var draws = Enumerable.Range(0, n).Select(_ => RescaleAugmentation.Draw(generator, size, randomFlip: false, RescaleStyle.Diffusers)).ToList();

        Assert.All(draws, d =>
        {
            Assert.False(d.Flip);
            Assert.Equal(RescaleStyle.Diffusers, d.Style);
            bool small = d.Scale <= size;
            // np.random.randint(S // 3, S + 1) or np.random.randint(int(1.2 S), int(1.4 S)): high exclusive.
            Assert.InRange(d.Scale, small ? size / 3 : (int)(1.2 * size), small ? size : (int)(1.4 * size) - 1);
            // top, left = randint(0, outer - inner + 1): the photo inside the canvas, or the window inside the photo.
            Assert.InRange(d.Top, 0, Math.Abs(d.Scale - size));
            Assert.InRange(d.Left, 0, Math.Abs(d.Scale - size));
            var expectedBranch = d.Scale > size ? RescaleBranch.ZoomedIn : d.Scale < 0.6 * size ? RescaleBranch.FarAway : RescaleBranch.Placed;
            Assert.Equal(expectedBranch, d.Branch);
            if (d.Branch == RescaleBranch.Placed)
            {
                Assert.Equal(0, d.PrefixIndex);
                Assert.Equal(string.Empty, d.Prefix);
            }
        });

        // uniform() < 0.66 picks the smaller range: bounds 5 standard deviations wide.
        double smaller = draws.Count(d => d.Scale <= size) / (double)n;
        Assert.InRange(smaller, 0.66 - 0.031, 0.66 + 0.031);
        Assert.Contains(draws, d => d.Scale % 2 == 1);
        Assert.Contains(draws, d => d.Branch == RescaleBranch.Placed && d.Top > 0);
        var prefixed = draws.Where(d => d.Branch is RescaleBranch.FarAway or RescaleBranch.ZoomedIn).ToList();
        Assert.InRange(prefixed.Count(d => d.PrefixIndex == 1) / (double)prefixed.Count, 0.45, 0.55);
    }

    [Fact]
    public void Draw_FromAGenerator_DrawsTheFlipThenDiffusersCallsInOrder()
    {
        using var generator = new Generator(8, CPU);
        using var replay = new Generator(8, CPU);

        var draws = Enumerable.Range(0, 50).Select(_ => RescaleAugmentation.Draw(generator, 64, randomFlip: true, RescaleStyle.Diffusers)).ToList();

        var expected = Enumerable.Range(0, 50).Select(_ =>
        {
            using var u = rand(new long[] { 1 }, ScalarType.Float32, CPU, generator: replay);
            return RescaleAugmentation.DrawDiffusers(64, u.item<float>() < 0.5f, () =>
            {
                using var v = rand(new long[] { 1 }, ScalarType.Float64, CPU, generator: replay);
                return v.item<double>();
            }, (low, high) =>
            {
                using var v = randint(low, high, new long[] { 1 }, ScalarType.Int64, CPU, generator: replay);
                return v.item<long>();
            });
        }).ToList();
        Assert.Equal(expected, draws);
        Assert.Contains(draws, d => d.Flip);
        Assert.Contains(draws, d => !d.Flip);
        using var a = generator.get_state();
        using var b = replay.get_state();
        Assert.True(a.Equals(b), "The draws used the generator differently from the documented calls.");
    }

    private static Queue<JsonArray> Calls(JsonNode entry) => new(entry["calls"]!.AsArray().Select(c => c!.AsArray()));

    private static Func<double> Uniform(Queue<JsonArray> calls) => () =>
    {
        Assert.True(calls.Count > 0, "More calls than diffusers made.");
        var call = calls.Dequeue();
        Assert.Equal("uniform", call[0]!.GetValue<string>());
        return call[1]!.GetValue<double>();
    };

    /// <summary>Feeds randint calls, and the prefix's <c>np.random.choice</c> of two as <c>randint(0, 2)</c>.</summary>
    private static Func<long, long, long> Randint(Queue<JsonArray> calls) => (low, high) =>
    {
        Assert.True(calls.Count > 0, "More calls than diffusers made.");
        var call = calls.Dequeue();
        string kind = call[0]!.GetValue<string>();
        if (kind == "choice")
        {
            Assert.Equal((0L, (long)call[1]!.GetValue<int>()), (low, high));
            return call[2]!.GetValue<long>();
        }

        Assert.Equal("randint", kind);
        Assert.Equal((call[1]!.GetValue<long>(), call[2]!.GetValue<long>()), (low, high));
        return call[3]!.GetValue<long>();
    };

    private static JsonNode Case(string name) => RescaleFixture.Case(Folder, name);

    private static List<JsonNode> Cases() => RescaleFixture.Cases(Folder);
}
