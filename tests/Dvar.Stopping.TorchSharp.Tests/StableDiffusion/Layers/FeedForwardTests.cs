using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class FeedForwardTests
{
    [Fact]
    public void StateDict_HasDiffusersKeysAndShapes()
    {
        using var ff = new FeedForward(8);

        var shapes = ff.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        Assert.Equal(["net.0.proj.weight", "net.0.proj.bias", "net.2.weight", "net.2.bias"], shapes.Keys);
        Assert.Equal([64L, 8L], shapes["net.0.proj.weight"]);
        Assert.Equal([8L, 32L], shapes["net.2.weight"]);
    }
}
