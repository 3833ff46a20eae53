using Dvar.Stopping.TorchSharp.Personalization.Lora;
using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Lora;

public class LoraLinearTests
{
    private static Projection NewLinear(Generator generator, bool bias, ScalarType dtype = ScalarType.Float32)
    {
        var projection = new Projection(3, 5, bias);
        using (no_grad())
        {
            projection.to(dtype);
            using var weight = randn(5, 3, generator: generator);
            projection.Weight.copy_(weight);
            if (bias)
            {
                using var b = randn(5, generator: generator);
                projection.Bias!.copy_(b);
            }
        }

        projection.Weight.requires_grad_(false);
        projection.Bias?.requires_grad_(false);
        return projection;
    }

    [Theory]
    [InlineData(true, 1.0)]
    [InlineData(false, 0.5)]
    public void Forward_AnyInput_IsBasePlusScaledLowRankUpdate(bool bias, double scale)
    {
        using var generator = new Generator(1);
        using var linear = NewLinear(generator, bias);
        using var down = randn(2, 3, generator: generator);
        using var up = randn(5, 2, generator: generator);
        using var x = randn(4, 7, 3, generator: generator);
        using var expectedBase = linear.forward(x);
        using var expected = expectedBase + (x.matmul(down.t()).matmul(up.t()) * scale);
        var layer = LoraLinear.Attach(linear, down.clone(), up.clone(), scale, trainable: false);

        using var output = linear.forward(x);

        Assert.True(output.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Forward_UpZero_BitIdenticalToBaseLayer()
    {
        using var generator = new Generator(2);
        using var linear = NewLinear(generator, bias: true);
        using var x = randn(4, 3, generator: generator);
        using var expected = linear.forward(x);
        var layer = LoraLinear.Attach(linear, randn(2, 3, generator: generator), zeros(5, 2), 1.0, trainable: true);

        using var output = linear.forward(x);

        Assert.True(output.Equals(expected));
    }

    [Fact]
    public void Forward_BFloat16Base_ReturnsBaseDtypeAndGradientsReachFloat32Update()
    {
        using var generator = new Generator(3);
        using var linear = NewLinear(generator, bias: true, ScalarType.BFloat16);
        using var x = randn(4, 3, generator: generator).to_type(ScalarType.BFloat16);
        var layer = LoraLinear.Attach(linear, randn(2, 3, generator: generator), randn(5, 2, generator: generator), 1.0, trainable: true);

        using var output = linear.forward(x);
        using var loss = output.to_type(ScalarType.Float32).sum();
        loss.backward();

        Assert.Equal(ScalarType.BFloat16, output.dtype);
        Assert.Equal(ScalarType.Float32, layer.Lora.Down.grad!.dtype);
        Assert.True(layer.Lora.Up.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void StateDict_Wrapped_KeepsWeightAndBiasKeysAndAddsLoraKeys()
    {
        using var generator = new Generator(4);
        using var linear = NewLinear(generator, bias: true);
        var layer = LoraLinear.Attach(linear, zeros(2, 3), zeros(5, 2), 1.0, trainable: true);

        var keys = linear.state_dict().Keys.Order(StringComparer.Ordinal);

        Assert.Equal(["bias", "lora.down.weight", "lora.up.weight", "weight"], keys);
        Assert.False(linear.state_dict()["weight"].requires_grad);
        Assert.True(layer.Lora.Down.requires_grad);
    }

    [Fact]
    public void Fuse_AnyWeights_GivesWPlusScaledUpDownAndTheSameOutput()
    {
        using var generator = new Generator(5);
        using var linear = NewLinear(generator, bias: true);
        using var weight = linear.Weight.detach().clone();
        using var down = randn(2, 3, generator: generator);
        using var up = randn(5, 2, generator: generator);
        using var x = randn(4, 3, generator: generator);
        var layer = LoraLinear.Attach(linear, down.clone(), up.clone(), 0.5, trainable: false);
        using var expectedOutput = linear.forward(x);

        layer.FuseInto(linear);

        using var expectedWeight = weight + (up.matmul(down) * 0.5);
        Assert.True(linear.Weight.allclose(expectedWeight, rtol: 1e-6, atol: 1e-6));
        using var output = linear.forward(x);
        Assert.True(output.allclose(expectedOutput, rtol: 1e-5, atol: 1e-6));
        Assert.False(linear.Weight.requires_grad);
        Assert.Null(linear.Adapter);
        Assert.Equal(["bias", "weight"], linear.state_dict().Keys.Order(StringComparer.Ordinal));
    }
}
