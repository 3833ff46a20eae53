using Dvar.Stopping.TorchSharp.Personalization.Lora;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Lora;

public class LoraLinearTests
{
    private static Linear NewLinear(Generator generator, bool bias, ScalarType dtype = ScalarType.Float32)
    {
        var weight = new Parameter(randn(5, 3, generator: generator).to_type(dtype), requires_grad: false);
        var b = bias ? new Parameter(randn(5, generator: generator).to_type(dtype), requires_grad: false) : null;
        return nn.Linear(weight, b);
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
        using var layer = LoraLinear.Wrap(linear, down.clone(), up.clone(), scale, trainable: false);

        using var output = layer.forward(x);

        Assert.True(output.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Forward_UpZero_BitIdenticalToBaseLayer()
    {
        using var generator = new Generator(2);
        using var linear = NewLinear(generator, bias: true);
        using var x = randn(4, 3, generator: generator);
        using var expected = linear.forward(x);
        using var layer = LoraLinear.Wrap(linear, randn(2, 3, generator: generator), zeros(5, 2), 1.0, trainable: true);

        using var output = layer.forward(x);

        Assert.True(output.Equals(expected));
    }

    [Fact]
    public void Forward_BFloat16Base_ReturnsBaseDtypeAndGradientsReachFloat32Update()
    {
        using var generator = new Generator(3);
        using var linear = NewLinear(generator, bias: true, ScalarType.BFloat16);
        using var x = randn(4, 3, generator: generator).to_type(ScalarType.BFloat16);
        using var layer = LoraLinear.Wrap(linear, randn(2, 3, generator: generator), randn(5, 2, generator: generator), 1.0, trainable: true);

        using var output = layer.forward(x);
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
        using var layer = LoraLinear.Wrap(linear, zeros(2, 3), zeros(5, 2), 1.0, trainable: true);

        var keys = layer.state_dict().Keys.Order(StringComparer.Ordinal);

        Assert.Equal(["bias", "lora.down.weight", "lora.up.weight", "weight"], keys);
        Assert.False(layer.state_dict()["weight"].requires_grad);
        Assert.True(layer.Lora.Down.requires_grad);
    }

    [Fact]
    public void Fuse_AnyWeights_GivesWPlusScaledUpDownAndTheSameOutput()
    {
        using var generator = new Generator(5);
        using var linear = NewLinear(generator, bias: true);
        using var weight = linear.weight!.detach().clone();
        using var down = randn(2, 3, generator: generator);
        using var up = randn(5, 2, generator: generator);
        using var x = randn(4, 3, generator: generator);
        using var layer = LoraLinear.Wrap(linear, down.clone(), up.clone(), 0.5, trainable: false);
        using var expectedOutput = layer.forward(x);

        using var fused = layer.Fuse();

        using var expectedWeight = weight + (up.matmul(down) * 0.5);
        Assert.True(fused.weight!.allclose(expectedWeight, rtol: 1e-6, atol: 1e-6));
        using var output = fused.forward(x);
        Assert.True(output.allclose(expectedOutput, rtol: 1e-5, atol: 1e-6));
        Assert.False(fused.weight!.requires_grad);
    }
}
