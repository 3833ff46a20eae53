using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>The outputs of <see cref="ClipTextModel.Encode"/> (transformers <c>BaseModelOutputWithPooling</c>). Disposing it disposes every tensor.</summary>
public sealed class ClipTextModelOutput : IDisposable
{
    internal ClipTextModelOutput(Tensor lastHiddenState, Tensor poolerOutput, IReadOnlyList<Tensor> hiddenStates)
    {
        LastHiddenState = lastHiddenState;
        PoolerOutput = poolerOutput;
        HiddenStates = hiddenStates;
    }

    /// <summary>[B, L, hidden]: the output of <c>final_layer_norm</c>, the conditioning SD v1.5 feeds the UNet.</summary>
    public Tensor LastHiddenState { get; }

    /// <summary>[B, hidden]: <see cref="LastHiddenState"/> at each sequence's pooled position (see <see cref="ClipTextModel.Encode"/>).</summary>
    public Tensor PoolerOutput { get; }

    /// <summary>
    /// transformers' <c>hidden_states</c>: [B, L, hidden] tensors, the embeddings output and then each layer's output (before
    /// the final LayerNorm), so <c>num_hidden_layers + 1</c> entries; empty unless requested.
    /// </summary>
    public IReadOnlyList<Tensor> HiddenStates { get; }

    /// <summary>Disposes every tensor of the output.</summary>
    public void Dispose()
    {
        LastHiddenState.Dispose();
        PoolerOutput.Dispose();
        foreach (var tensor in HiddenStates)
        {
            tensor.Dispose();
        }
    }
}
