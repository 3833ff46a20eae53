using Dvar.Stopping.TorchSharp.Clip;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Clip;

/// <summary>The full-size models built from the published configs (not loaded) against transformers' key lists.</summary>
/// <remarks>ViT-B/32 allocates about 0.6 GB of float32 parameters and ViT-L/14 about 1.7 GB, once each.</remarks>
public class ClipModelStructureTests
{
    [Theory]
    [InlineData("openai/clip-vit-base-patch32", "openai-clip-vit-base-patch32", 398, 151_277_313)]
    [InlineData("openai/clip-vit-large-patch14", "openai-clip-vit-large-patch14", 590, 427_616_513)]
    public void StateDictKeys_PublishedConfig_MatchKeysJsonInOrder(string model, string folder, long tensors, long parameters)
    {
        var expected = StructureKeys.Read(Path.Combine(FixturePaths.ClipStructure, "keys.json"), model);
        Assert.Equal(tensors, expected.Tensors);
        Assert.Equal(parameters, expected.Parameters);

        using var clip = new ClipModel(ClipModelConfigTests.ReadConfig(Path.Combine(FixturePaths.ClipStructure, folder, "config.json")));

        StructureKeys.AssertMatches(expected, clip);
    }
}
