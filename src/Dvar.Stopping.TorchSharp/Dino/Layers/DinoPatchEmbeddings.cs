using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino.Layers;

/// <summary>Non-overlapping patches to tokens: a strided convolution with bias (transformers <c>ViTPatchEmbeddings</c>, key <c>projection</c>).</summary>
internal sealed class DinoPatchEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d projection;

    /// <summary>Builds the projection.</summary>
    /// <param name="config">A validated config.</param>
    public DinoPatchEmbeddings(DinoConfig config)
        : base(nameof(DinoPatchEmbeddings))
    {
        projection = nn.Conv2d(config.NumChannels, config.HiddenSize, config.PatchSize, stride: config.PatchSize, bias: true);
        RegisterComponents();
    }

    /// <summary>Embeds every patch.</summary>
    /// <param name="pixel_values">[B, C, S, S].</param>
    /// <returns>[B, P, hidden], patches in row-major order.</returns>
    public override Tensor forward(Tensor pixel_values)
    {
        using var scope = NewDisposeScope();
        return projection.forward(pixel_values).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
