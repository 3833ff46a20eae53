using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class ResnetBlock2DTests : IClassFixture<UnetReference>
{
    private readonly UnetReference reference;

    public ResnetBlock2DTests(UnetReference reference)
    {
        this.reference = reference;
    }

    [Fact]
    public void Forward_FixtureWeights_MatchDiffusersIntermediate()
    {
        using var block = new ResnetBlock2D(32, 32, tembChannels: 128, groups: 8, eps: 1e-5);
        UnetReference.LoadInto(block, reference.WeightsUnder("down_blocks.0.resnets.0"));
        var (atol, rtol) = reference.Cases.Fp32Tolerance("b2");

        using var noGrad = no_grad();
        using var actual = block.forward(reference.Cases["b2.intermediate.conv_in"], reference.Cases["b2.intermediate.time_embedding"]);

        TensorAssert.Close(actual, reference.Cases["b2.intermediate.down_blocks.0.resnets.0"], atol, rtol, "down_blocks.0.resnets.0");
    }

    [Fact]
    public void Forward_WithoutTimeEmbedding_MatchesReference()
    {
        // The VAE's resnet: no time_emb_proj, a 1x1 conv_shortcut because the channels change, eps 1e-6.
        using var block = new ResnetBlock2D(4, 8, tembChannels: null, groups: 2, eps: 1e-6);
        LayerTestWeights.Randomize(block, seed: 11);
        using var x = LayerTestWeights.Normal(12, 2, 4, 5, 6);

        using var actual = block.forward(x, null);

        using var scope = NewDisposeScope();
        Tensor P(string key) => LayerTestWeights.Float64(block, key);
        var x64 = x.to_type(ScalarType.Float64);
        var h = nn.functional.silu(nn.functional.group_norm(x64, 2, P("norm1.weight"), P("norm1.bias"), 1e-6));
        h = nn.functional.conv2d(h, P("conv1.weight"), P("conv1.bias"), padding: [1, 1]);
        h = nn.functional.silu(nn.functional.group_norm(h, 2, P("norm2.weight"), P("norm2.bias"), 1e-6));
        h = nn.functional.conv2d(h, P("conv2.weight"), P("conv2.bias"), padding: [1, 1]);
        var expected = nn.functional.conv2d(x64, P("conv_shortcut.weight"), P("conv_shortcut.bias")) + h;
        TensorAssert.Close(actual, expected, atol: 1e-5, rtol: 1e-4, "resnet without temb");
    }

    [Fact]
    public void StateDict_SameChannelsWithTime_HasNoShortcut_OtherChannelsWithoutTime_HasNoTimeProjection()
    {
        using var unet = new ResnetBlock2D(8, 8, tembChannels: 16, groups: 2, eps: 1e-5);
        using var vae = new ResnetBlock2D(8, 4, tembChannels: null, groups: 2, eps: 1e-6);

        Assert.Equal(
            ["norm1.weight", "norm1.bias", "conv1.weight", "conv1.bias", "time_emb_proj.weight", "time_emb_proj.bias", "norm2.weight", "norm2.bias", "conv2.weight", "conv2.bias"],
            unet.state_dict().Keys);
        Assert.Equal(
            ["norm1.weight", "norm1.bias", "conv1.weight", "conv1.bias", "norm2.weight", "norm2.bias", "conv2.weight", "conv2.bias", "conv_shortcut.weight", "conv_shortcut.bias"],
            vae.state_dict().Keys);
    }

    [Fact]
    public void Forward_TimeEmbeddingMismatch_ThrowsNamingTemb()
    {
        using var withTime = new ResnetBlock2D(8, 8, tembChannels: 16, groups: 2, eps: 1e-5);
        using var withoutTime = new ResnetBlock2D(8, 8, tembChannels: null, groups: 2, eps: 1e-6);
        using var x = zeros(1, 8, 4, 4);
        using var temb = zeros(1, 16);

        Assert.Equal("temb", Assert.Throws<ArgumentException>(() => withTime.forward(x, null)).ParamName);
        Assert.Equal("temb", Assert.Throws<ArgumentException>(() => withoutTime.forward(x, temb)).ParamName);
    }
}
