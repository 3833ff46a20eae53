using Dvar.Demo.Metric;
using Dvar.Demo.World;

namespace Dvar.Demo.Tests.World;

public class ToyCaptionTests
{
    [Fact]
    public void Describe_ManyScenes_UsesOnlyToyWordsAndNamesOnlyTrueAttributes()
    {
        var random = new Random(11);
        var words = ToyVocabulary.AllWords.ToHashSet(StringComparer.Ordinal);
        int named = 0;
        for (int i = 0; i < 3000; i++)
        {
            var (scene, caption) = ToyWorld.SamplePretraining(random);
            Assert.All(caption.Split(' '), w => Assert.Contains(w, words));

            var attributes = ToyAttributes.Parse(caption);
            Assert.True(attributes.Color is null || attributes.Color == scene.Color, caption);
            Assert.True(attributes.Shape is null || attributes.Shape == scene.Shape, caption);
            Assert.True(attributes.Background is null || attributes.Background == scene.Background, caption);
            Assert.True(attributes.Size is null || attributes.Size == scene.Size, caption);
            named += attributes.Count;
        }

        Assert.InRange(named / 3000.0, 1.5, 3.5); // about 0.85 + 0.85 + 0.5 + 0.4 attributes per caption
    }

    [Theory]
    [InlineData("orange", "an")]
    [InlineData("red", "a")]
    [InlineData("image", "an")]
    public void Article_FollowsTheNextWord(string word, string article) => Assert.Equal(article, ToyVocabulary.Article(word));

    [Fact]
    public void AllWords_HasNoDuplicates() =>
        Assert.Equal(ToyVocabulary.AllWords.Count, ToyVocabulary.AllWords.Distinct(StringComparer.Ordinal).Count());
}
