using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;

/// <summary>Long loops must not accumulate native tensors (a training run calls the UNet tens of thousands of times).</summary>
public partial class UNet2DConditionModelTests
{
    [Fact]
    public void Forward_ThousandPassesUnderNoGrad_KeepsLiveTensorCountFlat()
    {
        using var noGrad = no_grad();

        LiveTensors.AssertNoGrowth(1000, () =>
        {
            using var output = reference.Model.forward(Input("b1", "sample"), Input("b1", "timestep"), Input("b1", "encoder_hidden_states"));
        });
    }

    [Fact]
    public void ForwardBackward_RepeatedSteps_KeepLiveTensorCountFlat()
    {
        using var model = UNet2DConditionModel.FromPretrained(UnetReference.Folder);
        model.train();

        LiveTensors.AssertNoGrowth(20, () =>
        {
            using var output = model.forward(Input("b1", "sample"), Input("b1", "timestep"), Input("b1", "encoder_hidden_states"));
            using var squared = output.square();
            using var loss = squared.mean();
            loss.backward();
            model.zero_grad();
        });
    }
}
