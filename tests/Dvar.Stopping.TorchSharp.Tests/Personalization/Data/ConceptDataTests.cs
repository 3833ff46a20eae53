using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

public class ConceptDataTests
{
    private static readonly ConceptImageOptions Small = new() { Resolution = 16, MinimumSize = 8 };

    [Fact]
    public void ItemAt_Position_CyclesImagesAndTemplatesIndependently()
    {
        using var folder = new TemporaryFolder();
        using var data = new ConceptData(LoadImages(folder.Path, count: 3), PromptTemplateSet.Style, "<s>");

        for (long position = 0; position < 100; position++)
        {
            Assert.Equal(new ConceptItem((int)(position % 3), (int)(position % 19)), data.ItemAt(position));
        }

        Assert.Equal(new ConceptItem(1, 15), data.ItemAt(3L * 19 * 1_000_000_000 + 34)); // beyond int range
        Assert.Throws<ArgumentOutOfRangeException>(() => data.ItemAt(-1));
    }

    [Fact]
    public void Prompt_TemplateIndex_SubstitutesThePlaceholder()
    {
        using var folder = new TemporaryFolder();
        using var data = new ConceptData(LoadImages(folder.Path, 1), PromptTemplateSet.Object, "<cat-toy>");

        Assert.Equal("a photo of a <cat-toy>", data.Prompt(0));
        Assert.False(data.HasPriorPreservation);
        Assert.Null(data.ClassImages);
        Assert.Null(data.ClassPrompt);
    }

    [Fact]
    public void Ctor_ClassImagesAndPrompt_EnablesPriorPreservation()
    {
        using var instance = new TemporaryFolder();
        using var @class = new TemporaryFolder();
        var classImages = LoadImages(@class.Path, 2);
        using var data = new ConceptData(LoadImages(instance.Path, 1), PromptTemplateSet.Single("a photo of {} dog"), "sks", classImages, "a photo of dog");

        Assert.True(data.HasPriorPreservation);
        Assert.Same(classImages, data.ClassImages);
        Assert.Equal("a photo of dog", data.ClassPrompt);
        Assert.Equal("a photo of sks dog", data.Prompt(0));
    }

    [Fact]
    public void Ctor_InconsistentClassData_ThrowsNamingTheMissingPart()
    {
        using var instance = new TemporaryFolder();
        using var @class = new TemporaryFolder();
        using var images = LoadImages(instance.Path, 1);
        using var classImages = LoadImages(@class.Path, 1);

        Assert.Equal("classPrompt", Assert.Throws<ArgumentException>(() => new ConceptData(images, PromptTemplateSet.Object, "sks", classImages)).ParamName);
        Assert.Equal("classImages", Assert.Throws<ArgumentException>(() => new ConceptData(images, PromptTemplateSet.Object, "sks", null, "a dog")).ParamName);
        Assert.Equal("classPrompt", Assert.Throws<ArgumentException>(() => new ConceptData(images, PromptTemplateSet.Object, "sks", classImages, " ")).ParamName);
        Assert.Equal("placeholder", Assert.Throws<ArgumentException>(() => new ConceptData(images, PromptTemplateSet.Object, " ")).ParamName);
        Assert.Throws<ArgumentNullException>(() => new ConceptData(null!, PromptTemplateSet.Object, "sks"));
        Assert.Throws<ArgumentNullException>(() => new ConceptData(images, null!, "sks"));
    }

    [Fact]
    public void Ctor_ClassImagesOfAnotherResolution_ThrowsNamingBoth()
    {
        using var instance = new TemporaryFolder();
        using var @class = new TemporaryFolder();
        using var images = LoadImages(instance.Path, 1);
        RgbImage.Noise(40, 40, seed: 1).WritePng(@class.Path, "c.png");
        using var classImages = ConceptImages.Load(@class.Path, Small with { Resolution = 32 });

        var error = Assert.Throws<ArgumentException>(() => new ConceptData(images, PromptTemplateSet.Object, "sks", classImages, "a dog"));

        Assert.Contains("32 px", error.Message, StringComparison.Ordinal);
        Assert.Contains("16 px", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_DisposesBothImageSets()
    {
        using var instance = new TemporaryFolder();
        using var @class = new TemporaryFolder();
        var images = LoadImages(instance.Path, 1);
        var classImages = LoadImages(@class.Path, 1);
        var data = new ConceptData(images, PromptTemplateSet.Object, "sks", classImages, "a dog");

        data.Dispose();

        Assert.Throws<ObjectDisposedException>(() => images.GetImage(0, false));
        Assert.Throws<ObjectDisposedException>(() => classImages.GetImage(0, false));
    }

    private static ConceptImages LoadImages(string folder, int count)
    {
        for (int i = 0; i < count; i++)
        {
            RgbImage.Noise(20, 20, seed: i).WritePng(folder, $"{i}.png");
        }

        return ConceptImages.Load(folder, Small);
    }
}
