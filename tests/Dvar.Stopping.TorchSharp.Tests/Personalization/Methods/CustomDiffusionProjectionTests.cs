using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

public class CustomDiffusionProjectionTests
{
    [Fact]
    public void Forward_AnyContext_IsTheLinearProjection()
    {
        using var generator = new Generator(5);
        using var weight = randn(6, 4, generator: generator);
        using var context = randn(2, 5, 4, generator: generator);
        using var slot = Slot(weight);
        var projection = CustomDiffusionProjection.Attach(slot, trainable: true);

        using var output = slot.forward(context);

        using var expected = context.matmul(weight.t());
        Assert.True(output.allclose(expected, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Backward_PositionZero_GetsNoGradient()
    {
        using var generator = new Generator(5);
        using var weight = randn(6, 4, generator: generator);
        using var contextValues = randn(2, 5, 4, generator: generator);
        using var context = contextValues.clone().requires_grad_(true);
        using var slot = Slot(weight);
        var projection = CustomDiffusionProjection.Attach(slot, trainable: true);

        using var output = slot.forward(context);
        using var loss = output.sum();
        loss.backward();

        // d(sum W c)/dW = sum over batch and positions ≥ 1 of c (each row of W); position 0 contributes nothing.
        using var expectedWeightGrad = contextValues[.., 1..].sum([0L, 1L]).unsqueeze(0).expand(6, 4);
        Assert.True(projection.Weight.grad!.allclose(expectedWeightGrad, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(0, context.grad![.., 0].count_nonzero().item<long>());
        Assert.True(context.grad![.., 1..].abs().min().item<float>() > 0);
    }

    [Fact]
    public void Forward_BFloat16Context_ReturnsContextDtypeWithFloat32Weight()
    {
        using var weight = ones(6, 4, dtype: ScalarType.BFloat16);
        using var context = ones(1, 3, 4, dtype: ScalarType.BFloat16);
        using var slot = Slot(weight);
        var projection = CustomDiffusionProjection.Attach(slot, trainable: true);

        using var output = slot.forward(context);

        Assert.Equal(ScalarType.Float32, projection.Weight.dtype);
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        Assert.Equal(4f, output[0, 0, 0].to_type(ScalarType.Float32).item<float>());
    }

    [Fact]
    public void Attach_KeepsTheWeightKeyAndAddsNoOther()
    {
        using var slot = Slot(ones(6, 4, dtype: ScalarType.BFloat16));
        slot.Weight.requires_grad_(false);

        var adapter = CustomDiffusionProjection.Attach(slot, trainable: true);

        Assert.Equal(["weight"], slot.state_dict().Keys);
        Assert.Same(adapter.Weight, slot.state_dict()["weight"]);
        Assert.True(adapter.Weight.requires_grad);
        Assert.True(adapter.Weight.is_leaf);
    }

    private static Projection Slot(Tensor weight)
    {
        var slot = new Projection(weight.shape[1], weight.shape[0], hasBias: false);
        using (no_grad())
        {
            slot.to(weight.dtype);
            slot.Weight.copy_(weight);
        }

        return slot;
    }
}
