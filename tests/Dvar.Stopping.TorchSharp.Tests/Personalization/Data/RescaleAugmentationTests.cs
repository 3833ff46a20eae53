using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

/// <summary>Custom Diffusion's random rescaling against the DVAR authors' own data.py (tests/fixtures/cd-augmentation) and
/// against the properties of its draws.</summary>
public class RescaleAugmentationTests
{
    private const string Folder = "cd-augmentation";

    public static TheoryData<string> ChosenCases => [.. Cases().Where(c => c["seed"] is null).Select(c => c["name"]!.GetValue<string>())];

    public static TheoryData<string> SeededCases => [.. Cases().Where(c => c["seed"] is not null).Select(c => c["name"]!.GetValue<string>())];

    [Theory]
    [MemberData(nameof(ChosenCases))]
    public void Apply_FedTheAuthorsDraws_ReproducesTheirPixelsMaskAndPrefixExactly(string name)
    {
        var entry = Case(name);
        int size = entry["size"]!.GetValue<int>();
        using var cases = ReferenceCases.LoadFolder(FixturePaths.Get(Folder));
        var calls = Calls(entry);
        var draw = RescaleAugmentation.Draw(size, entry["flip"]!.GetValue<bool>(), Feed(calls));
        Assert.Empty(calls);
        var original = RescaleFixture.Original(cases, entry["original"]!.GetValue<string>());

        var (pixels, mask, prefix) = RescaleAugmentation.Apply(original, draw);
        using var p = pixels;
        using var m = mask;

        Assert.Equal(entry["prefix"]!.GetValue<string>(), prefix);
        RescaleFixture.AssertMatches(cases, name, size, pixels, mask, "data.py");
    }

    [Theory]
    [MemberData(nameof(SeededCases))]
    public void Draw_FromAGeneratorSeededAsTorch_DrawsWhatTheAuthorsCodeDrewFromTorchManualSeed(string name)
    {
        // make_fixture.py ran data.py after torch.manual_seed(seed) with the real torch.randint and torchvision's
        // torch.rand(1) < 0.5 flip; a CPU generator with that seed, drawing in the same order, must get the same values.
        var entry = Case(name);
        int size = entry["size"]!.GetValue<int>();
        var expected = RescaleAugmentation.Draw(size, entry["flip"]!.GetValue<bool>(), Feed(Calls(entry)));
        using var generator = new Generator((ulong)entry["seed"]!.GetValue<int>(), CPU);

        var actual = RescaleAugmentation.Draw(generator, size, randomFlip: true);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(512)]
    public void Draw_ManyDraws_HaveTheDocumentedRangesAndFrequencies(int size)
    {
        using var generator = new Generator(42, CPU);
        const int n = 6000;
        var draws = Enumerable.Range(0, n).Select(_ => RescaleAugmentation.Draw(generator, size, randomFlip: true)).ToList();

        Assert.All(draws, d =>
        {
            Assert.Equal(0, d.Scale % 2);
            bool small = d.Scale <= size;
            Assert.InRange(d.Scale, small ? size / 3 : (int)(1.2 * size), small ? size : (int)(1.4 * size));
            Assert.InRange(d.PrefixIndex, 0, 1);
            switch (d.Branch)
            {
                case RescaleBranch.FarAway:
                    Assert.True(d.Scale < 0.6 * size);
                    // data.py's centre cx in [scale // 2, S - scale // 2]: the pasted photo lies inside the canvas.
                    Assert.InRange(d.Top, 0, size - d.Scale);
                    Assert.InRange(d.Left, 0, size - d.Scale);
                    break;
                case RescaleBranch.ZoomedIn:
                    // cx in [S // 2, scale - S // 2]: the S x S window lies inside the enlarged photo.
                    Assert.InRange(d.Top, 0, d.Scale - size);
                    Assert.InRange(d.Left, 0, d.Scale - size);
                    break;
                default:
                    Assert.True(d.Scale >= 0.6 * size && d.Scale <= size, $"whole-image scale {d.Scale}");
                    Assert.Equal(string.Empty, d.Prefix);
                    break;
            }
        });

        // randint(0, 3) < 2 picks the smaller range with probability 2/3; within it, scale < 0.6 S has probability about
        // (0.6 S - S/3) / (S - S/3 + 1) (0.4 for large S). Bounds are 5 standard deviations wide.
        double smaller = draws.Count(d => d.Scale <= size) / (double)n;
        Assert.InRange(smaller, (2.0 / 3) - 0.031, (2.0 / 3) + 0.031);
        double flipped = draws.Count(d => d.Flip) / (double)n;
        Assert.InRange(flipped, 0.5 - 0.033, 0.5 + 0.033);
        var far = draws.Where(d => d.Branch == RescaleBranch.FarAway).ToList();
        Assert.InRange(far.Count / (double)n, 0.2, 0.34);
        Assert.InRange(far.Count(d => d.PrefixIndex == 1) / (double)far.Count, 0.4, 0.6);
        Assert.Contains(draws, d => d.Branch == RescaleBranch.ZoomedIn && d.PrefixIndex == 0);
        Assert.Contains(draws, d => d.Branch == RescaleBranch.ZoomedIn && d.PrefixIndex == 1);
        Assert.Contains(draws, d => d.Scale == (int)(1.2 * size) + ((int)(1.2 * size) % 2));
    }

    [Fact]
    public void Draw_WithoutRandomFlip_DrawsNoFlipAndOnlyTheIntegerDraws()
    {
        using var generator = new Generator(3, CPU);
        using var replay = new Generator(3, CPU);

        var draw = RescaleAugmentation.Draw(generator, 64, randomFlip: false);
        var fed = RescaleAugmentation.Draw(64, flip: false, (low, high) =>
        {
            using var v = randint(low, high, new long[] { 1 }, ScalarType.Int64, CPU, generator: replay);
            return v.item<long>();
        });

        Assert.False(draw.Flip);
        Assert.Equal(fed, draw);
        using var a = generator.get_state();
        using var b = replay.get_state();
        Assert.True(a.Equals(b), "The draw used the generator differently from its integer draws alone.");
    }

    [Theory]
    [InlineData(1, 3, 8, 1, 3)]
    [InlineData(1, -1, 8, 1, 7)]
    [InlineData(1, -1, 1, 1, 1)]
    [InlineData(2, 1, 8, 2, 2)]
    [InlineData(5, 12, 8, 5, 8)]
    [InlineData(-3, -1, 8, 5, 7)]
    public void PythonSlice_FollowsPythonsSliceSemantics(int start, int stop, int length, int expectedStart, int expectedStop)
    {
        // Expected values from Python: len(range(length)[start:stop]) and its first index.
        Assert.Equal((expectedStart, expectedStop), RescaleAugmentation.PythonSlice(start, stop, length));
    }

    private static Queue<long[]> Calls(JsonNode entry) =>
        new(entry["randint"]!.AsArray().Select(c => c!.AsArray().Select(v => v!.GetValue<long>()).ToArray()));

    private static Func<long, long, long> Feed(Queue<long[]> calls)
    {
        return (low, high) =>
        {
            Assert.True(calls.Count > 0, "More randint calls than data.py made.");
            long[] call = calls.Dequeue();
            Assert.Equal((call[0], call[1]), (low, high));
            return call[2];
        };
    }

    private static JsonNode Case(string name) => RescaleFixture.Case(Folder, name);

    private static List<JsonNode> Cases() => RescaleFixture.Cases(Folder);
}
