using Dvar.Stopping.TorchSharp.Personalization.Data;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

public class PromptTemplateSetTests
{
    [Fact]
    public void ObjectAndStyle_HoldTheDiffusersLists()
    {
        Assert.Equal(PromptTemplates.Object, PromptTemplateSet.Object.Templates);
        Assert.Equal(27, PromptTemplateSet.Object.Count);
        Assert.Equal(PromptTemplates.Style, PromptTemplateSet.Style.Templates);
        Assert.Equal(19, PromptTemplateSet.Style.Count);
    }

    [Fact]
    public void Format_Index_SubstitutesIntoThatTemplate()
    {
        Assert.Equal("a rendering of a <cat-toy>", PromptTemplateSet.Object.Format(1, "<cat-toy>"));
        Assert.Equal("a large painting in the style of <s>", PromptTemplateSet.Style.Format(18, "<s>"));
    }

    [Fact]
    public void Single_FixedPrompt_HasOneTemplate()
    {
        var set = PromptTemplateSet.Single("a photo of {} dog");

        Assert.Equal(1, set.Count);
        Assert.Equal("a photo of sks dog", set.Format(0, "sks"));
    }

    [Fact]
    public void Custom_List_IsCopied()
    {
        var source = new List<string> { "a {}", "the {}" };
        var set = PromptTemplateSet.Custom(source);
        source[0] = "changed {}";

        Assert.Equal(["a {}", "the {}"], set.Templates);
    }

    [Fact]
    public void Custom_BadInput_ThrowsNamingTemplates()
    {
        Assert.Equal("templates", Assert.Throws<ArgumentException>(() => PromptTemplateSet.Custom([])).ParamName);
        var bad = Assert.Throws<ArgumentException>(() => PromptTemplateSet.Custom(["a {}", "no placeholder"]));
        Assert.Equal("templates", bad.ParamName);
        Assert.Contains("no placeholder", bad.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => PromptTemplateSet.Custom(null!));
        Assert.Throws<ArgumentNullException>(() => PromptTemplateSet.Custom(["a {}", null!]));
        Assert.Throws<ArgumentException>(() => PromptTemplateSet.Single("a photo of sks dog"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(27)]
    public void Format_IndexOutOfRange_Throws(int index)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptTemplateSet.Object.Format(index, "sks"));
    }
}
