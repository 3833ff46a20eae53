using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class TimestepEmbeddingTests : IClassFixture<UnetReference>
{
    private readonly UnetReference reference;

    public TimestepEmbeddingTests(UnetReference reference)
    {
        this.reference = reference;
    }

    [Fact]
    public void Forward_FixtureWeights_MatchDiffusersIntermediate()
    {
        using var module = new TimestepEmbedding(32, 128);
        UnetReference.LoadInto(module, reference.WeightsUnder("time_embedding"));
        var (atol, rtol) = reference.Cases.Fp32Tolerance("b2");

        using var noGrad = no_grad();
        using var actual = module.forward(reference.Cases["b2.intermediate.time_proj"]);

        TensorAssert.Close(actual, reference.Cases["b2.intermediate.time_embedding"], atol, rtol, "time_embedding");
    }
}
