using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The VAE posterior <c>N(mean, diag(exp(logvar)))</c> that <see cref="AutoencoderKL.Encode"/> returns (diffusers' <c>DiagonalGaussianDistribution</c>).</summary>
/// <remarks>
/// <c>mean, logvar = chunk(moments, 2, dim=1)</c>; <c>logvar</c> is clamped to [-30, 20]; <c>std = exp(0.5 · logvar)</c>.
/// It owns its tensors: dispose it when done. Tensors returned by <see cref="Sample(Generator)"/>, <see cref="Sample(Tensor)"/> and
/// <see cref="Mode"/> belong to the caller.
/// </remarks>
public sealed class DiagonalGaussianDistribution : IDisposable
{
    private const double LogVarMin = -30.0;
    private const double LogVarMax = 20.0;

    /// <summary>Splits moments into mean and clamped log-variance.</summary>
    /// <param name="moments">[B, 2C, h, w]: the mean channels, then the log-variance channels. The distribution takes ownership.</param>
    internal DiagonalGaussianDistribution(Tensor moments)
    {
        using var scope = NewDisposeScope();
        var halves = moments.chunk(2, dim: 1);
        Moments = moments;
        Mean = halves[0].MoveToOuterDisposeScope();
        LogVar = halves[1].ClampedTo(LogVarMin, LogVarMax).MoveToOuterDisposeScope();
        Std = LogVar.Times(0.5).exp().MoveToOuterDisposeScope();
    }

    /// <summary>[B, 2C, h, w]: the <c>quant_conv</c> output, mean and unclamped log-variance along the channels.</summary>
    public Tensor Moments { get; }

    /// <summary>[B, C, h, w]: the mean.</summary>
    public Tensor Mean { get; }

    /// <summary>[B, C, h, w]: the log-variance, clamped to [-30, 20].</summary>
    public Tensor LogVar { get; }

    /// <summary>[B, C, h, w]: the standard deviation <c>exp(0.5 · LogVar)</c>.</summary>
    public Tensor Std { get; }

    /// <summary>Draws <c>mean + std · ε</c>, with ε ~ N(0, I) drawn from <paramref name="generator"/> (what diffusers' <c>sample(generator)</c> does).</summary>
    /// <param name="generator">A CPU generator: the noise is drawn on the CPU in the mean's dtype and then moved to its device, so the result does not depend on the device.</param>
    /// <returns>[B, C, h, w], unscaled (multiply by <see cref="AutoencoderKL.ScalingFactor"/> for the UNet).</returns>
    /// <exception cref="ArgumentException"><paramref name="generator"/> is not a CPU generator.</exception>
    public Tensor Sample(Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (generator.device.type != DeviceType.CPU)
        {
            throw new ArgumentException($"The generator must be a CPU generator; got one on {generator.device}.", nameof(generator));
        }

        using var noise = randn(Mean.shape, dtype: Mean.dtype, device: CPU, generator: generator);
        return Sample(noise);
    }

    /// <summary>Returns <c>mean + std · noise</c> for given standard normal noise (for reproducing a reference sample).</summary>
    /// <param name="noise">[B, C, h, w] noise, any device and floating dtype (converted to the mean's).</param>
    /// <returns>[B, C, h, w], unscaled.</returns>
    /// <exception cref="ArgumentException"><paramref name="noise"/> does not have the mean's shape.</exception>
    public Tensor Sample(Tensor noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        if (!noise.shape.SequenceEqual(Mean.shape))
        {
            throw new ArgumentException(
                $"noise must have the mean's shape [{string.Join(", ", Mean.shape)}]; got [{string.Join(", ", noise.shape)}].", nameof(noise));
        }

        using var scope = NewDisposeScope();
        var eps = noise.to(Mean.dtype, Mean.device);
        return Mean.Plus(Std * eps).MoveToOuterDisposeScope();
    }

    /// <summary>Returns the mode, which is the mean (a new tensor owned by the caller).</summary>
    /// <returns>[B, C, h, w].</returns>
    public Tensor Mode() => Mean.clone();

    /// <summary>Disposes the distribution's tensors.</summary>
    public void Dispose()
    {
        Moments.Dispose();
        Mean.Dispose();
        LogVar.Dispose();
        Std.Dispose();
    }
}
