using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests;

public class SmokeTests
{
    [Fact]
    public void Randn_SeededGenerator_MatchesPyTorch()
    {
        using var g = new Generator(42);
        using var t = randn(new long[] { 2, 3 }, generator: g);
        Assert.Equal(0.33669, t[0, 0].item<float>(), 4);
    }
}
