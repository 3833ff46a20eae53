using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;

/// <summary>The full-size SD1.5 UNet: names, order and shapes of every tensor, and the module paths personalization relies on.</summary>
public class UNet2DConditionModelSd15Tests : IClassFixture<Sd15UnetStructure>
{
    private readonly Sd15UnetStructure sd15;

    public UNet2DConditionModelSd15Tests(Sd15UnetStructure sd15)
    {
        this.sd15 = sd15;
    }

    [Fact]
    public void StateDictKeys_Sd15Config_MatchDiffusersKeysShapesAndOrder() => StructureKeys.AssertMatches("unet", sd15.Model);

    [Fact]
    public void Parameters_Sd15Config_CountAsDiffusers()
    {
        long parameters = sd15.Model.parameters().Sum(p => p.numel());

        Assert.Equal(sd15.ExpectedParameters, parameters);
    }

    [Fact]
    public void NamedAttentions_Sd15_Are16SelfAnd16CrossAttentionsAtDiffusersPaths()
    {
        var expected = sd15.ExpectedKeys.Select(k => k.Key).Where(k => k.EndsWith(".to_q.weight", StringComparison.Ordinal)).Select(k => k[..^".to_q.weight".Length]).ToList();

        var paths = sd15.Model.NamedAttentions().Select(a => a.Path).ToList();

        Assert.Equal(expected, paths);
        Assert.Equal(16, paths.Count(p => p.EndsWith(".attn1", StringComparison.Ordinal)));
        Assert.Equal(16, paths.Count(p => p.EndsWith(".attn2", StringComparison.Ordinal)));
    }

    [Fact]
    public void AttentionProjections_Sd15_GiveDiffusersLoraParameterCount()
    {
        // personalization-facts: LoRA rank 4 on to_q/to_k/to_v/to_out.0 of attn1 and attn2 = 128 layers, 797,184 parameters.
        const int Rank = 4;
        var projections = sd15.Model.NamedAttentions()
            .SelectMany(a => Enum.GetValues<AttentionProjection>().Select(p => a.Attention.GetProjection(p)))
            .ToList();

        long loraParameters = projections.Sum(l => Rank * (l.InFeatures + l.OutFeatures));

        Assert.Equal(128, projections.Count);
        Assert.Equal(797_184, loraParameters);
    }

    [Fact]
    public void CrossAttentionKeyValue_Sd15_GiveCustomDiffusionParameterCount()
    {
        // personalization-facts: Custom Diffusion trains attn2.to_k and attn2.to_v: 32 tensors, 19,169,280 parameters.
        var keyValue = sd15.Model.named_modules()
            .Where(m => m.name.EndsWith(".attn2.to_k", StringComparison.Ordinal) || m.name.EndsWith(".attn2.to_v", StringComparison.Ordinal))
            .SelectMany(m => m.module.parameters())
            .ToList();

        Assert.Equal(32, keyValue.Count);
        Assert.Equal(19_169_280, keyValue.Sum(p => p.numel()));
    }
}
