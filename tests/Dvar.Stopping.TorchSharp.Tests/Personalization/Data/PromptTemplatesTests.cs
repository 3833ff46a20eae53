using Dvar.Stopping.TorchSharp.Personalization.Data;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

public class PromptTemplatesTests
{
    [Fact]
    public void Lists_HaveDiffusersCountsAndEnds()
    {
        // diffusers examples/textual_inversion/textual_inversion.py: imagenet_templates_small (27), imagenet_style_templates_small (19).
        Assert.Equal(27, PromptTemplates.Object.Count);
        Assert.Equal(19, PromptTemplates.Style.Count);
        Assert.Equal("a photo of a {}", PromptTemplates.Object[0]);
        Assert.Equal("a photo of a small {}", PromptTemplates.Object[^1]);
        Assert.Equal("a painting in the style of {}", PromptTemplates.Style[0]);
        Assert.Equal("a large painting in the style of {}", PromptTemplates.Style[^1]);
        Assert.Equal(27, PromptTemplates.Object.Distinct().Count());
    }

    [Fact]
    public void Lists_EveryTemplateHasExactlyOnePlaceholder()
    {
        foreach (string template in PromptTemplates.Object.Concat(PromptTemplates.Style))
        {
            Assert.Equal(1, CountOf(template, "{}"));
            Assert.Equal(2, template.Count(c => c is '{' or '}'));
        }
    }

    [Fact]
    public void Lists_AreReadOnly()
    {
        var list = Assert.IsAssignableFrom<IList<string>>(PromptTemplates.Object);
        Assert.True(list.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => list[0] = "changed {}");
    }

    [Theory]
    [InlineData("a photo of a {}", "<cat-toy>", "a photo of a <cat-toy>")]
    [InlineData("{} in the snow", "sks", "sks in the snow")]
    [InlineData("a photo of {} dog", "sks", "a photo of sks dog")]
    public void Format_Template_SubstitutesThePlaceholder(string template, string placeholder, string expected)
    {
        Assert.Equal(expected, PromptTemplates.Format(template, placeholder));
    }

    [Fact]
    public void Format_EveryListedTemplate_ContainsThePlaceholderOnceAndNoBraces()
    {
        foreach (string template in PromptTemplates.Object.Concat(PromptTemplates.Style))
        {
            string prompt = PromptTemplates.Format(template, "<tok>");
            Assert.Equal(1, CountOf(prompt, "<tok>"));
            Assert.DoesNotContain('{', prompt);
            Assert.Equal(template.Replace("{}", string.Empty, StringComparison.Ordinal), prompt.Replace("<tok>", string.Empty, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("a photo")]
    [InlineData("a {} and a {}")]
    [InlineData("a {{}} photo")]
    [InlineData("a { } photo")]
    [InlineData("a {0} photo")]
    public void Format_BadTemplate_ThrowsQuotingIt(string template)
    {
        var error = Assert.Throws<ArgumentException>(() => PromptTemplates.Format(template, "sks"));

        Assert.Equal("template", error.ParamName);
        Assert.Contains(template, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a{}")]
    [InlineData("}")]
    public void Format_BadPlaceholder_Throws(string placeholder)
    {
        var error = Assert.Throws<ArgumentException>(() => PromptTemplates.Format("a photo of a {}", placeholder));

        Assert.Equal("placeholder", error.ParamName);
    }

    [Fact]
    public void Format_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => PromptTemplates.Format(null!, "sks"));
        Assert.Throws<ArgumentNullException>(() => PromptTemplates.Format("a {}", null!));
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
