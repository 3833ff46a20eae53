using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>The stack of CLIP encoder layers, text or vision (transformers <c>CLIPEncoder</c>).</summary>
internal sealed class ClipEncoder : nn.Module
{
    private readonly ModuleList<ClipEncoderLayer> layers;

    /// <summary>Builds <see cref="ClipEncoderShape.NumHiddenLayers"/> layers.</summary>
    /// <param name="shape">The layer count, widths, activation and attention kind.</param>
    public ClipEncoder(ClipEncoderShape shape)
        : base(nameof(ClipEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, shape.NumHiddenLayers).Select(_ => new ClipEncoderLayer(shape)).ToArray());
        RegisterComponents();
    }

    /// <summary>Runs every layer in order.</summary>
    /// <param name="hidden_states">[B, L, hidden] embeddings; not disposed.</param>
    /// <param name="all_hidden_states">When given, receives each layer's output (the caller owns them).</param>
    /// <returns>[B, L, hidden], the last layer's output.</returns>
    public Tensor Forward(Tensor hidden_states, List<Tensor>? all_hidden_states)
    {
        using var scope = NewDisposeScope();
        var outputs = new List<Tensor>(layers.Count);
        foreach (var layer in layers)
        {
            hidden_states = layer.forward(hidden_states);
            outputs.Add(hidden_states);
        }

        if (all_hidden_states is null)
        {
            return hidden_states.MoveToOuterDisposeScope();
        }

        outputs.ForEach(t => t.MoveToOuterDisposeScope());
        all_hidden_states.AddRange(outputs);
        return hidden_states;
    }
}
