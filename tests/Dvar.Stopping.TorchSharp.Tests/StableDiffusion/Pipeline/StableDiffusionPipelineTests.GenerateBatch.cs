using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline.Reference;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline;

/// <summary>Batched generation with one prompt per image.</summary>
public partial class StableDiffusionPipelineTests
{
    [Fact]
    public void GenerateBatch_OnePromptTwice_MatchesNaiveLoopWithTwoImages()
    {
        var options = new GenerationOptions { Steps = 3, GuidanceScale = 7.5, Seed = 1234, NegativePrompt = "blurry", Sampler = SamplerKind.Ddim };

        using var images = tiny.GenerateBatch([Prompt, Prompt], options);

        using var expected = NaiveGuidedDdim.Generate(tiny, Prompt, "blurry", 3, 7.5, 1234, 2, 32, 32);
        TensorAssert.Close(images, expected, 1e-5, 1e-5, "images");
    }

    [Fact]
    public void GenerateBatch_DifferentPrompts_EachImageDependsOnlyOnItsOwnPrompt()
    {
        var options = new GenerationOptions { Steps = 2, GuidanceScale = 3, Seed = 8 };

        using var first = tiny.GenerateBatch(["a red cube", Prompt], options);
        using var second = tiny.GenerateBatch(["a green ball", Prompt], options);

        using var a = first[1];
        using var b = second[1];
        using var c = first[0];
        using var d = second[0];
        TensorAssert.Close(a, b, 1e-6, 1e-6, "the second image");
        Assert.False(c.allclose(d), "Different prompts gave the same first image.");
        Assert.Equal([2L, 3, 32, 32], first.shape);
        Assert.True(first.min().item<float>() >= 0 && first.max().item<float>() <= 1, "Images are not in [0, 1].");
    }

    [Fact]
    public void GenerateBatch_NoPrompt_ThrowsNamingPrompts()
    {
        var e = Assert.Throws<ArgumentException>(() => tiny.GenerateBatch([]));

        Assert.Equal("prompts", e.ParamName);
    }
}
