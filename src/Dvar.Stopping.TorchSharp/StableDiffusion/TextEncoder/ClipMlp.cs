using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>The feed-forward part of a CLIP text encoder layer: <c>fc2(act(fc1(x)))</c> (transformers <c>CLIPMLP</c>).</summary>
internal sealed class ClipMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly ClipActivation _activation;

    /// <summary>Builds the two projections.</summary>
    /// <param name="hiddenSize">The embedding width.</param>
    /// <param name="intermediateSize">The hidden layer's width.</param>
    /// <param name="activation">The activation between them.</param>
    public ClipMlp(long hiddenSize, long intermediateSize, ClipActivation activation)
        : base(nameof(ClipMlp))
    {
        _activation = activation;
        fc1 = nn.Linear(hiddenSize, intermediateSize);
        fc2 = nn.Linear(intermediateSize, hiddenSize);
        RegisterComponents();
    }

    /// <summary>Applies the MLP position-wise.</summary>
    /// <param name="hidden_states">[B, L, hidden].</param>
    /// <returns>[B, L, hidden].</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        hidden_states = fc1.forward(hidden_states);
        hidden_states = _activation switch
        {
            // quick_gelu(x) = x * sigmoid(1.702 x)
            ClipActivation.QuickGelu => hidden_states * sigmoid(hidden_states.Times(1.702)),
            ClipActivation.Gelu => nn.functional.gelu(hidden_states),
            _ => throw new InvalidOperationException($"Unknown activation {_activation}."),
        };
        return fc2.forward(hidden_states).MoveToOuterDisposeScope();
    }
}
