using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>Timesteps</c>: the sinusoidal timestep embedding of DDPM (<c>get_timestep_embedding</c>).</summary>
/// <remarks>
/// With <c>half = num_channels / 2</c> and <c>k = 0 .. half-1</c>: <c>f_k = exp(-ln(max_period) · k / (half - downscale_freq_shift))</c>,
/// <c>a = t · f_k</c> computed in float32 from <c>timesteps.float()</c>, and the embedding is <c>[sin a | cos a]</c>, or
/// <c>[cos a | sin a]</c> when <c>flip_sin_to_cos</c> (SD). An odd <c>num_channels</c> gets one zero column at the end.
/// The result is float32 whatever the input dtype. No parameters.
/// </remarks>
internal sealed class Timesteps : nn.Module<Tensor, Tensor>
{
    private const double MaxPeriod = 10000;

    private readonly long num_channels;
    private readonly bool flip_sin_to_cos;
    private readonly double downscale_freq_shift;

    /// <summary>Builds the embedding.</summary>
    /// <param name="numChannels">Embedding width (the UNet's <c>block_out_channels[0]</c>).</param>
    /// <param name="flipSinToCos">Cosines first (SD: true).</param>
    /// <param name="downscaleFreqShift">The config's <c>freq_shift</c> (SD: 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numChannels"/> is below 2, or the shift makes a frequency divisor non-positive.</exception>
    internal Timesteps(long numChannels, bool flipSinToCos, double downscaleFreqShift)
        : base(nameof(Timesteps))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numChannels, 2);
        if (!(numChannels / 2 - downscaleFreqShift > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(downscaleFreqShift), downscaleFreqShift, $"Must be below num_channels / 2 = {numChannels / 2}.");
        }

        num_channels = numChannels;
        flip_sin_to_cos = flipSinToCos;
        downscale_freq_shift = downscaleFreqShift;
        RegisterComponents();
    }

    /// <summary>Embeds timesteps.</summary>
    /// <param name="timesteps">One timestep per batch row, <c>[B]</c>, integer or floating (fractions allowed).</param>
    /// <returns>float32 <c>[B, num_channels]</c> on the device of <paramref name="timesteps"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="timesteps"/> is not one-dimensional.</exception>
    public override Tensor forward(Tensor timesteps)
    {
        if (timesteps.ndim != 1)
        {
            throw new ArgumentException($"Timesteps must be a 1-D tensor [B], got [{string.Join(", ", timesteps.shape)}].", nameof(timesteps));
        }

        using var scope = NewDisposeScope();
        long half_dim = num_channels / 2;
        var exponent = HeldScalar.Range(half_dim, ScalarType.Float32, timesteps.device).Times(-Math.Log(MaxPeriod));
        exponent = exponent.DividedBy(half_dim - downscale_freq_shift);

        var emb = exp(exponent);
        emb = timesteps[TensorIndex.Colon, TensorIndex.None].@float() * emb[TensorIndex.None, TensorIndex.Colon];

        // concat sine and cosine embeddings
        emb = cat([sin(emb), cos(emb)], dim: -1);

        // flip sine and cosine embeddings
        if (flip_sin_to_cos)
        {
            emb = cat([emb[TensorIndex.Colon, TensorIndex.Slice(half_dim)], emb[TensorIndex.Colon, TensorIndex.Slice(null, half_dim)]], dim: -1);
        }

        // zero pad
        if (num_channels % 2 == 1)
        {
            emb = nn.functional.pad(emb, (0, 1, 0, 0));
        }

        return emb.MoveToOuterDisposeScope();
    }
}
