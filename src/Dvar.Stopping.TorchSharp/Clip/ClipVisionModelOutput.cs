using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>The outputs of <see cref="ClipModel.EncodeImage"/> (transformers <c>BaseModelOutputWithPooling</c> of the vision tower). Disposing it disposes every tensor.</summary>
public sealed class ClipVisionModelOutput : IDisposable
{
    internal ClipVisionModelOutput(Tensor lastHiddenState, Tensor poolerOutput, IReadOnlyList<Tensor> hiddenStates)
    {
        LastHiddenState = lastHiddenState;
        PoolerOutput = poolerOutput;
        HiddenStates = hiddenStates;
    }

    /// <summary>[B, 1 + g², hidden]: the output of the last encoder layer (no LayerNorm is applied to it), class token first.</summary>
    public Tensor LastHiddenState { get; }

    /// <summary>[B, hidden]: <c>post_layernorm</c> of the class token of <see cref="LastHiddenState"/>.</summary>
    public Tensor PoolerOutput { get; }

    /// <summary>
    /// transformers' <c>hidden_states</c>: [B, 1 + g², hidden] tensors, <c>pre_layrnorm(embeddings)</c> and then each layer's
    /// output, so <c>num_hidden_layers + 1</c> entries; empty unless requested.
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
