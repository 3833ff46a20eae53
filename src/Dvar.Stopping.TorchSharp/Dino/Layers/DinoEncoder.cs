using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino.Layers;

/// <summary>The stack of transformer layers (transformers <c>ViTEncoder</c>): keys <c>layer.{i}.*</c>.</summary>
internal sealed class DinoEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<DinoLayer> layer;

    /// <summary>Builds the layers.</summary>
    /// <param name="config">A validated config.</param>
    public DinoEncoder(DinoConfig config)
        : base(nameof(DinoEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new DinoLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <summary>Runs every layer in order.</summary>
    /// <param name="hidden_states">[B, L, hidden].</param>
    /// <returns>[B, L, hidden].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var x = hidden_states;
        foreach (var block in layer)
        {
            x = block.forward(x);
        }

        return x.MoveToOuterDisposeScope();
    }
}
