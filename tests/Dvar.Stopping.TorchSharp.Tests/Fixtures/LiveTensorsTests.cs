using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

public class LiveTensorsTests
{
    [Fact]
    public void AssertNoGrowth_IterationLeaksATensor_Fails()
    {
        var leaked = new List<Tensor>();

        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => LiveTensors.AssertNoGrowth(10, () => leaked.Add(ones(2))));

        Assert.Contains("10 more live tensors", e.Message);
        leaked.ForEach(t => t.Dispose());
    }

    [Fact]
    public void AssertNoGrowth_IterationDisposesEverything_Passes()
    {
        LiveTensors.AssertNoGrowth(10, () =>
        {
            using var a = ones(2);
            using var b = a * 2;
        });
    }
}
