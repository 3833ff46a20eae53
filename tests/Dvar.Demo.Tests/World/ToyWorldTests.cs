using Dvar.Demo.World;

namespace Dvar.Demo.Tests.World;

public class ToyWorldTests
{
    [Fact]
    public void Seen_IsEveryPairButTheHeldOutOnes()
    {
        var all = Enum.GetValues<ToyColor>().SelectMany(c => Enum.GetValues<ToyShape>().Select(s => (c, s))).ToHashSet();

        Assert.Equal(all.Count - ToyWorld.HeldOut.Count, ToyWorld.Seen.Count);
        Assert.Empty(ToyWorld.Seen.Intersect(ToyWorld.HeldOut));
        Assert.True(all.SetEquals(ToyWorld.Seen.Concat(ToyWorld.HeldOut)));
        Assert.All(Enum.GetValues<ToyColor>(), c => Assert.Contains(ToyWorld.Seen, p => p.Color == c));
        Assert.All(Enum.GetValues<ToyShape>(), s => Assert.Contains(ToyWorld.Seen, p => p.Shape == s));
    }

    [Fact]
    public void SamplePretraining_NeverDrawsAHeldOutPair()
    {
        var random = new Random(3);
        for (int i = 0; i < 2000; i++)
        {
            var (scene, _) = ToyWorld.SamplePretraining(random);
            Assert.DoesNotContain((scene.Color, scene.Shape), ToyWorld.HeldOut);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Concept_Photos_AreLargeNeverWhiteAndDeterministic(int index)
    {
        var concept = ToyWorld.Concept(index, seed: 4);
        var again = ToyWorld.Concept(index, seed: 4);
        var other = ToyWorld.Concept(index, seed: 5);

        Assert.Equal(ToyWorld.HeldOut[index], (concept.Color, concept.Shape));
        Assert.Equal(5, concept.Photos.Count);
        Assert.All(concept.Photos, p => Assert.Equal(ToySize.Large, p.Size));
        Assert.All(concept.Photos, p => Assert.NotEqual(ToyBackground.White, p.Background));
        Assert.All(concept.Photos, p => Assert.Equal((concept.Color, concept.Shape), (p.Color, p.Shape)));
        Assert.Contains(concept.Photos, p => p.Width != p.Height);
        Assert.Equal(concept.Photos, again.Photos);
        Assert.NotEqual(concept.Photos, other.Photos);
        Assert.Equal($"<toy-{index + 1}>", concept.Token);
    }

    [Fact]
    public void ValidationPrompts_AskForContextsThePhotosNeverShow()
    {
        var photos = Enumerable.Range(0, ToyWorld.HeldOut.Count).SelectMany(i => ToyWorld.Concept(i).Photos).ToList();

        foreach (var prompt in ToyWorld.ValidationPrompts)
        {
            Assert.Contains("{}", prompt.Template, StringComparison.Ordinal);
            Assert.True(prompt.Background is not null || prompt.Size is not null, prompt.Template);
            Assert.DoesNotContain(photos, p => (prompt.Background is null || p.Background == prompt.Background) && (prompt.Size is null || p.Size == prompt.Size));
        }
    }

    [Fact]
    public void Concept_IndexOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ToyWorld.Concept(ToyWorld.HeldOut.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => ToyWorld.Concept(0, photoCount: 0));
    }
}
