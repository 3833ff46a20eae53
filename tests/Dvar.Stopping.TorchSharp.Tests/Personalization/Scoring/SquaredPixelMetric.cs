using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Scoring;

/// <summary>A second transparent image model (the DINO slot): features are the 2 x 2 average-pooled squared pixels (12 values),
/// so its scores differ from <see cref="PixelMetric"/>'s.</summary>
internal sealed class SquaredPixelMetric : IImageMetric
{
    public string Name => "squared-pixels";

    public static double[] Features(Tensor image)
    {
        using var scope = NewDisposeScope();
        var x = image.unsqueeze(0).to_type(ScalarType.Float64);
        return nn.functional.adaptive_avg_pool2d(x * x, [2, 2]).flatten().data<double>().ToArray();
    }

    public Tensor ImageFeatures(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = images.to_type(ScalarType.Float32);
        return nn.functional.adaptive_avg_pool2d(x * x, [2, 2]).flatten(1).MoveToOuterDisposeScope();
    }
}
