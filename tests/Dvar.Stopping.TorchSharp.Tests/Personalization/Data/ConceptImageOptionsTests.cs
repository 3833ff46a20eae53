using Dvar.Stopping.TorchSharp.Personalization.Data;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

public class ConceptImageOptionsTests
{
    [Fact]
    public void Defaults_AreDiffusersTextualInversionSettings()
    {
        var options = new ConceptImageOptions();

        Assert.Equal(512, options.Resolution);
        Assert.False(options.CenterCrop);
        Assert.Equal(32, options.MinimumSize);
        Assert.Equal([".jpg", ".jpeg", ".png", ".webp"], ConceptImageOptions.FileExtensions);
        options.Validate();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    [InlineData(12)]
    [InlineData(513)]
    public void Validate_ResolutionNotPositiveMultipleOfEight_ThrowsNamingResolution(int resolution)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConceptImageOptions { Resolution = resolution }.Validate());

        Assert.Equal(nameof(ConceptImageOptions.Resolution), error.ParamName);
        Assert.Contains(resolution.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_MinimumSizeBelowOne_ThrowsNamingMinimumSize(int minimumSize)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConceptImageOptions { MinimumSize = minimumSize }.Validate());

        Assert.Equal(nameof(ConceptImageOptions.MinimumSize), error.ParamName);
    }

    [Theory]
    [InlineData("a.JPG", true)]
    [InlineData("a.Jpeg", true)]
    [InlineData("a.png", true)]
    [InlineData("a.WEBP", true)]
    [InlineData("a.gif", false)]
    [InlineData("a.png.txt", false)]
    [InlineData("png", false)]
    [InlineData("._a.jpg", false)]
    [InlineData(".png", false)]
    [InlineData("folder/.hidden.png", false)]
    [InlineData(".folder/a.png", true)]
    public void IsImageFile_Name_MatchesExtensionIgnoringCaseAndSkipsHiddenFiles(string name, bool expected)
    {
        Assert.Equal(expected, ConceptImageOptions.IsImageFile(name));
    }
}
