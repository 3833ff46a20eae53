using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class GroupNormsTests
{
    [Fact]
    public void Create_InitialisesAsPyTorch_WeightOneBiasZero()
    {
        using var norm = GroupNorms.Create(4, 64, 1e-6);

        using var ones = ones_like(norm.weight!);
        Assert.True(norm.weight!.Equals(ones));
        Assert.Equal(0, norm.bias!.abs().max().item<float>());
        Assert.Equal(1e-6, norm.eps);
    }
}
