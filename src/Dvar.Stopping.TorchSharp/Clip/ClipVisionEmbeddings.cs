using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>Patch, class-token and position embeddings of the CLIP vision tower (transformers <c>CLIPVisionEmbeddings</c>).</summary>
/// <remarks>
/// Patches come from a convolution with kernel = stride = <c>patch_size</c> and no bias, flattened row-major (token
/// <c>1 + r·g + c</c>); the bare <c>class_embedding</c> vector [hidden] is placed before them, and position row 0 belongs to it.
/// Position ids are always <c>0..g²</c>: the <c>vision_model.embeddings.position_ids</c> buffer of older files is not part of
/// this module's state dict.
/// </remarks>
internal sealed class ClipVisionEmbeddings : nn.Module
{
    private readonly Parameter class_embedding;
    private readonly Conv2d patch_embedding;
    private readonly Embedding position_embedding;

    /// <summary>Builds the embeddings.</summary>
    /// <param name="config">A validated vision config.</param>
    public ClipVisionEmbeddings(ClipVisionConfig config)
        : base(nameof(ClipVisionEmbeddings))
    {
        class_embedding = new Parameter(empty(config.HiddenSize));
        patch_embedding = nn.Conv2d(config.NumChannels, config.HiddenSize, config.PatchSize, stride: config.PatchSize, bias: false);
        position_embedding = nn.Embedding(config.NumPositions, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>Embeds pixel values.</summary>
    /// <param name="pixel_values">[B, C, S, S] in the weights' dtype and device.</param>
    /// <param name="patch_embeds">When given, receives the convolution output [B, hidden, g, g] (the caller owns it).</param>
    /// <returns>[B, 1 + g², hidden]: <c>[class_embedding; patches] + position_embedding</c>.</returns>
    public Tensor Forward(Tensor pixel_values, List<Tensor>? patch_embeds)
    {
        using var scope = NewDisposeScope();
        long batch = pixel_values.shape[0];
        var convolved = patch_embedding.forward(pixel_values);
        var patches = convolved.flatten(2).transpose(1, 2);
        var class_embeds = class_embedding.view(1, 1, -1).expand(batch, 1, -1);
        var embeddings = cat([class_embeds, patches], 1);
        var position_ids = HeldScalar.Range(embeddings.shape[1], ScalarType.Int64, embeddings.device).unsqueeze(0);
        embeddings = embeddings.Plus(position_embedding.forward(position_ids));
        if (patch_embeds is not null)
        {
            patch_embeds.Add(convolved.MoveToOuterDisposeScope());
        }

        return embeddings.MoveToOuterDisposeScope();
    }
}
