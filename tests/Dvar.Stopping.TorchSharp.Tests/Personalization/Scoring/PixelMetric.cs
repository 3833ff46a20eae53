using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Scoring;

/// <summary>A transparent stand-in metric: image features are the 4 x 4 average-pooled pixels (48 values), and the text score
/// is the image's mean pixel value; it records every text it is given.</summary>
internal sealed class PixelMetric : IImageTextMetric
{
    public List<string> Texts { get; } = [];

    public string Name => "pixels";

    public static double[] Features(Tensor image)
    {
        using var scope = NewDisposeScope();
        var pooled = nn.functional.adaptive_avg_pool2d(image.unsqueeze(0).to_type(ScalarType.Float64), [4, 4]);
        return pooled.flatten().data<double>().ToArray();
    }

    public Tensor ImageFeatures(Tensor images) =>
        nn.functional.adaptive_avg_pool2d(images.to_type(ScalarType.Float32), [4, 4]).flatten(1);

    public Tensor TextAlignment(Tensor images, IReadOnlyList<string> texts)
    {
        Texts.AddRange(texts);
        return images.to_type(ScalarType.Float32).mean([1L, 2L, 3L]);
    }
}
