using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class BasicTransformerBlockTests
{
    [Fact]
    public void StateDict_HasDiffusersKeysInOrder()
    {
        using var block = new BasicTransformerBlock(dim: 8, numAttentionHeads: 2, attentionHeadDim: 4, crossAttentionDim: 6);

        var prefixes = block.state_dict().Keys.Select(k => k.Split('.')[0]).Distinct();

        Assert.Equal(["norm1", "attn1", "norm2", "attn2", "norm3", "ff"], prefixes);
        Assert.Equal([8L, 6L], block.state_dict()["attn2.to_k.weight"].shape);
        Assert.Equal([8L, 8L], block.state_dict()["attn1.to_k.weight"].shape);
    }
}
