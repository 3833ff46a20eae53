using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>FeedForward</c> with <c>activation_fn="geglu"</c>: <c>net.2(net.1(net.0(x)))</c>.</summary>
/// <remarks>
/// <c>net.0</c> is a <see cref="Geglu"/> (<c>dim -&gt; inner_dim</c>, key <c>net.0.proj</c>), <c>net.1</c> a Dropout and
/// <c>net.2</c> a Linear <c>inner_dim -&gt; dim_out</c>; <c>inner_dim = mult · dim</c> (4 in SD).
/// </remarks>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    /// <summary>Builds the feed-forward network.</summary>
    /// <param name="dim">Input channels.</param>
    /// <param name="dimOut">Output channels; null for <paramref name="dim"/>.</param>
    /// <param name="mult">Inner width as a multiple of <paramref name="dim"/>.</param>
    /// <param name="dropout">Dropout between the two projections (training mode only).</param>
    /// <param name="bias">Whether the projections have biases.</param>
    internal FeedForward(long dim, long? dimOut = null, long mult = 4, double dropout = 0.0, bool bias = true)
        : base(nameof(FeedForward))
    {
        long inner_dim = dim * mult;
        long dim_out = dimOut ?? dim;
        net = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new Geglu(dim, inner_dim, bias),
            nn.Dropout(dropout),
            nn.Linear(inner_dim, dim_out, hasBias: bias));
        RegisterComponents();
    }

    /// <summary>Applies the network.</summary>
    /// <param name="hidden_states">Input <c>[..., dim]</c>.</param>
    /// <returns>Output <c>[..., dim_out]</c>.</returns>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        foreach (var module in net)
        {
            hidden_states = module.call(hidden_states);
        }

        return hidden_states.MoveToOuterDisposeScope();
    }
}
