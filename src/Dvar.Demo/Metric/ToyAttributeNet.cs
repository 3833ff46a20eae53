using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Demo.Metric;

/// <summary>The demo's stand-in for CLIP's image tower: a small convolutional network that reads a toy picture's colour,
/// shape, background and size, and whose pooled 128-channel activations serve as image features.</summary>
/// <remarks>Five 3 x 3 convolutions (32, 64, 64, 128, 128 channels; the 2nd and 4th with stride 2), each followed by a
/// group norm (8 groups) and SiLU, then a global average pool: the features. Four linear heads give the attribute logits.
/// Input: RGB in [-1, 1], [batch, 3, 32, 32].</remarks>
public sealed class ToyAttributeNet : nn.Module<Tensor, Tensor>
{
    /// <summary>The number of feature channels.</summary>
    public const int FeatureSize = 128;

#pragma warning disable IDE1006 // Field names are state-dict keys.
    private readonly Sequential body;
    private readonly Linear color_head;
    private readonly Linear shape_head;
    private readonly Linear background_head;
    private readonly Linear size_head;
#pragma warning restore IDE1006

    /// <summary>Initializes a new instance of the <see cref="ToyAttributeNet"/> class (weights uninitialised: load or initialise them).</summary>
    public ToyAttributeNet()
        : base(nameof(ToyAttributeNet))
    {
        body = nn.Sequential(
            Block(3, 32, 1),
            Block(32, 64, 2),
            Block(64, 64, 1),
            Block(64, 128, 2),
            Block(128, FeatureSize, 1));
        color_head = nn.Linear(FeatureSize, Enum.GetValues<World.ToyColor>().Length);
        shape_head = nn.Linear(FeatureSize, Enum.GetValues<World.ToyShape>().Length);
        background_head = nn.Linear(FeatureSize, Enum.GetValues<World.ToyBackground>().Length);
        size_head = nn.Linear(FeatureSize, Enum.GetValues<World.ToySize>().Length);
        RegisterComponents();
    }

    /// <summary>The image features: the pooled activations, [batch, 128].</summary>
    /// <param name="images">RGB images in [-1, 1], [batch, 3, height, width].</param>
    /// <returns>The features.</returns>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return body.call(images).mean([2L, 3L]).MoveToOuterDisposeScope();
    }

    /// <summary>The attribute logits of features from <see cref="forward"/>.</summary>
    /// <param name="features">[batch, 128].</param>
    /// <returns>Colour [batch, 6], shape [batch, 4], background [batch, 4] and size [batch, 2] logits.</returns>
    public (Tensor Color, Tensor Shape, Tensor Background, Tensor Size) Heads(Tensor features) =>
        (color_head.call(features), shape_head.call(features), background_head.call(features), size_head.call(features));

    private static Sequential Block(int inChannels, int outChannels, int stride) => nn.Sequential(
        nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1),
        nn.GroupNorm(8, outChannels),
        nn.SiLU());
}
