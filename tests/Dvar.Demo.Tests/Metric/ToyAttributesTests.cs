using Dvar.Demo.Metric;
using Dvar.Demo.World;

namespace Dvar.Demo.Tests.Metric;

public class ToyAttributesTests
{
    [Theory]
    [InlineData("a photo of a on a white background", null, null, ToyBackground.White, null)]
    [InlineData("a small purple triangle", ToyColor.Purple, ToyShape.Triangle, null, ToySize.Small)]
    [InlineData("a photo of a shape", null, null, null, null)]
    [InlineData("A Large Red Cross On A Black Background.", ToyColor.Red, ToyShape.Cross, ToyBackground.Black, ToySize.Large)]
    public void Parse_NamesTheToyWordsOfTheText(string text, ToyColor? color, ToyShape? shape, ToyBackground? background, ToySize? size) =>
        Assert.Equal(new ToyAttributes(color, shape, background, size), ToyAttributes.Parse(text));

    [Fact]
    public void FractionShownBy_CountsTheNamedAttributesTheReadingShows()
    {
        var reading = new ToyAttributes(ToyColor.Red, ToyShape.Circle, ToyBackground.White, ToySize.Large);

        Assert.Equal(1.0, ToyAttributes.Parse("a photo of a").FractionShownBy(reading));
        Assert.Equal(1.0, ToyAttributes.Parse("on a white background").FractionShownBy(reading));
        Assert.Equal(0.5, ToyAttributes.Parse("a small one on a white background").FractionShownBy(reading));
        Assert.Equal(0.0, ToyAttributes.Parse("a small blue thing").FractionShownBy(reading));
    }
}
