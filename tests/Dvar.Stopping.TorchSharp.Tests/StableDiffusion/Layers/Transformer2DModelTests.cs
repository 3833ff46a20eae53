using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class Transformer2DModelTests : IClassFixture<UnetReference>
{
    private readonly UnetReference reference;

    public Transformer2DModelTests(UnetReference reference)
    {
        this.reference = reference;
    }

    [Fact]
    public void Forward_FixtureWeights_MatchDiffusersIntermediate()
    {
        // sd-tiny down_blocks.0: 32 channels, attention_head_dim 8 = 8 heads of 4, norm_num_groups 8, cross_attention_dim 32.
        using var transformer = new Transformer2DModel(numAttentionHeads: 8, attentionHeadDim: 4, inChannels: 32, numLayers: 1, crossAttentionDim: 32, normNumGroups: 8, useLinearProjection: false);
        UnetReference.LoadInto(transformer, reference.WeightsUnder("down_blocks.0.attentions.0"));
        var (atol, rtol) = reference.Cases.Fp32Tolerance("b2");

        using var noGrad = no_grad();
        using var actual = transformer.forward(reference.Cases["b2.intermediate.down_blocks.0.resnets.0"], reference.Cases["b2.input.encoder_hidden_states"]);

        TensorAssert.Close(actual, reference.Cases["b2.intermediate.down_blocks.0.attentions.0"], atol, rtol, "down_blocks.0.attentions.0");
    }

    [Fact]
    public void Forward_LinearProjection_EqualsConvolutionProjectionWithTheSameWeights()
    {
        using var convolution = new Transformer2DModel(2, 4, 8, 1, 6, 2, useLinearProjection: false);
        using var linear = new Transformer2DModel(2, 4, 8, 1, 6, 2, useLinearProjection: true);
        LayerTestWeights.Randomize(convolution, seed: 21);
        using (no_grad())
        {
            var source = convolution.state_dict();
            foreach (var (key, target) in linear.state_dict())
            {
                target.copy_(source[key].reshape(target.shape));
            }
        }

        using var x = LayerTestWeights.Normal(22, 2, 8, 3, 4);
        using var context = LayerTestWeights.Normal(23, 2, 5, 6);
        using var fromConvolution = convolution.forward(x, context);
        using var fromLinear = linear.forward(x, context);

        Assert.Equal([8L, 8L, 1L, 1L], convolution.state_dict()["proj_in.weight"].shape);
        Assert.Equal([8L, 8L], linear.state_dict()["proj_in.weight"].shape);
        TensorAssert.Close(fromLinear, fromConvolution, atol: 1e-5, rtol: 1e-5, "linear vs 1x1 convolution projections");
    }
}
