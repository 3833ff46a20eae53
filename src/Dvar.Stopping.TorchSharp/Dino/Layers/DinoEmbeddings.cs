using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino.Layers;

/// <summary>
/// CLS token, patch embeddings and learned absolute positions (transformers <c>ViTEmbeddings</c>): keys <c>cls_token</c> [1, 1, D],
/// <c>position_embeddings</c> [1, 1 + P, D] and <c>patch_embeddings.projection.*</c>. There is no position interpolation: the input
/// must have the config's image size.
/// </summary>
internal sealed class DinoEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Parameter cls_token;
    private readonly Parameter position_embeddings;
    private readonly DinoPatchEmbeddings patch_embeddings;

    /// <summary>Builds the embeddings (zeros: load weights before use).</summary>
    /// <param name="config">A validated config.</param>
    public DinoEmbeddings(DinoConfig config)
        : base(nameof(DinoEmbeddings))
    {
        cls_token = nn.Parameter(zeros(1, 1, config.HiddenSize));
        position_embeddings = nn.Parameter(zeros(1, config.SequenceLength, config.HiddenSize));
        patch_embeddings = new DinoPatchEmbeddings(config);
        RegisterComponents();
    }

    /// <summary>Embeds the image: <c>concat(cls, patches) + positions</c>.</summary>
    /// <param name="pixel_values">[B, C, S, S].</param>
    /// <returns>[B, 1 + P, hidden].</returns>
    public override Tensor forward(Tensor pixel_values)
    {
        using var scope = NewDisposeScope();
        var patches = patch_embeddings.forward(pixel_values);
        var cls = cls_token.expand(patches.shape[0], -1, -1);
        var embeddings = cat([cls, patches], 1);
        return embeddings.Plus(position_embeddings).MoveToOuterDisposeScope();
    }
}
