namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>The four replaceable linear projections of an <see cref="Attention"/> module, by diffusers' attribute name.</summary>
internal enum AttentionProjection
{
    /// <summary><c>to_q</c>: hidden states to queries.</summary>
    Query = 0,

    /// <summary><c>to_k</c>: context (encoder hidden states, or the hidden states for self-attention) to keys.</summary>
    Key = 1,

    /// <summary><c>to_v</c>: context to values.</summary>
    Value = 2,

    /// <summary><c>to_out.0</c>: attention output back to the query dimension.</summary>
    Output = 3,
}
