using Dvar.Stopping.TorchSharp.Personalization.Methods;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>
/// What DreamBoothLora and CustomDiffusion train on SD v1.5's full-size structure, against personalization-facts (the diffusers
/// example's and the authors' counts). One full-size pipeline at a time: the two tests of this class run one after the other.
/// </summary>
public class MethodsSd15Tests
{
    [Fact]
    public void DreamBoothLora_Sd15RankFour_Trains128AttentionAnd16FeedForwardLayers()
    {
        using var pipeline = Sd15ShapedPipeline.Create();
        using var method = new DreamBoothLora(new DreamBoothLoraOptions { Token = "<my-dog>", InitializerToken = "dog" });

        method.Attach(pipeline);

        var lora = method.TrainableParameters.Where(p => p.Name.Contains(".lora.", StringComparison.Ordinal)).ToList();
        var attention = lora.Where(p => !p.Name.Contains(".ff.", StringComparison.Ordinal)).ToList();

        // personalization-facts: rank 4 on to_q/to_k/to_v/to_out.0 of attn1 and attn2 = 128 layers, 797,184 parameters;
        // with the GEGLU projection (authors' variant) 1,246,464.
        Assert.Equal(2 * 128, attention.Count);
        Assert.Equal(797_184, attention.Sum(p => p.Parameter.numel()));
        Assert.Equal(2 * 144, lora.Count);
        Assert.Equal(1_246_464, lora.Sum(p => p.Parameter.numel()));
        Assert.Equal(768, method.TrainableParameters.Single(p => p.Name.StartsWith("text_encoder.", StringComparison.Ordinal)).Parameter.numel());
    }

    [Fact]
    public void CustomDiffusion_Sd15_Trains32KeyValueTensorsAndTheModifierRow()
    {
        using var pipeline = Sd15ShapedPipeline.Create();
        using var method = new CustomDiffusion(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers });

        method.Attach(pipeline);

        var unet = method.TrainableParameters.Where(p => p.Name.StartsWith("unet.", StringComparison.Ordinal)).ToList();

        // personalization-facts: attn2 to_k and to_v, 32 tensors, 19,169,280 parameters.
        Assert.Equal(32, unet.Count);
        Assert.Equal(19_169_280, unet.Sum(p => p.Parameter.numel()));
        Assert.Equal(768, method.TrainableParameters[0].Parameter.numel());
    }
}
