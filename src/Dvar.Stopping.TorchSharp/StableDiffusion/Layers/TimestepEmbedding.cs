using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>TimestepEmbedding</c>: <c>linear_2(silu(linear_1(x)))</c>, the MLP on the sinusoidal timestep embedding.</summary>
/// <remarks>State-dict keys: <c>linear_1</c>, <c>linear_2</c>. The output is not passed through SiLU here; every resnet applies its own.</remarks>
internal sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly SiLU act;
    private readonly Linear linear_2;

    /// <summary>Builds the MLP.</summary>
    /// <param name="inChannels">Width of the sinusoidal embedding.</param>
    /// <param name="timeEmbedDim">Hidden and output width (<c>4 · block_out_channels[0]</c> in SD).</param>
    internal TimestepEmbedding(long inChannels, long timeEmbedDim)
        : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inChannels, timeEmbedDim);
        act = nn.SiLU();
        linear_2 = nn.Linear(timeEmbedDim, timeEmbedDim);
        RegisterComponents();
    }

    /// <summary>Applies the MLP.</summary>
    /// <param name="sample">Sinusoidal embedding <c>[B, in_channels]</c>.</param>
    /// <returns>Time embedding <c>[B, time_embed_dim]</c>.</returns>
    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        sample = linear_1.call(sample);
        sample = act.call(sample);
        sample = linear_2.call(sample);
        return sample.MoveToOuterDisposeScope();
    }
}
