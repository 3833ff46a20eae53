using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>β_t, α_t = 1 − β_t and ᾱ_t = ∏_{s≤t} α_s for t = 0..T−1, computed as diffusers does (float32 on the CPU).</summary>
/// <remarks>The tensors belong to this object and are kept out of any dispose scope open while it is built.</remarks>
internal sealed class NoiseSchedule : IDisposable
{
    private const double MaxCosineBeta = 0.999;

    /// <summary>Initializes a new instance of the <see cref="NoiseSchedule"/> class.</summary>
    /// <param name="config">A validated config.</param>
    public NoiseSchedule(DdpmSchedulerConfig config)
    {
        using var scope = NewDisposeScope();
        var betas = ComputeBetas(config);
        var alphas = betas.SubtractedFrom(1.0f);
        var alphasCumprod = alphas.cumprod(0);
        AlphasCumprodValues = alphasCumprod.data<float>().ToArray();
        Betas = betas.DetachFromDisposeScope();
        AlphasCumprod = alphasCumprod.DetachFromDisposeScope();
    }

    /// <summary>Gets β, float32 [T].</summary>
    public Tensor Betas { get; }

    /// <summary>Gets ᾱ, float32 [T].</summary>
    public Tensor AlphasCumprod { get; }

    /// <summary>Gets ᾱ as float32 values, for scalar arithmetic.</summary>
    public IReadOnlyList<float> AlphasCumprodValues { get; }

    /// <summary>Gets T.</summary>
    public int Count => AlphasCumprodValues.Count;

    /// <inheritdoc/>
    public void Dispose()
    {
        Betas.Dispose();
        AlphasCumprod.Dispose();
    }

    /// <summary>ᾱ(t) of the cosine schedule: <c>cos²((t + 0.008)/1.008 · π/2)</c>.</summary>
    private static double CosineAlphaBar(double t)
    {
        var c = Math.Cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    private static Tensor ComputeBetas(DdpmSchedulerConfig config)
    {
        var steps = config.NumTrainTimesteps;
        if (config.TrainedBetas is { } trained)
        {
            return torch.tensor(trained.ToArray(), ScalarType.Float32);
        }

        switch (config.BetaSchedule)
        {
            case BetaSchedule.Linear:
                return linspace(config.BetaStart, config.BetaEnd, steps, ScalarType.Float32);
            case BetaSchedule.ScaledLinear:
                using (var roots = linspace(Math.Sqrt(config.BetaStart), Math.Sqrt(config.BetaEnd), steps, ScalarType.Float32))
                {
                    return HeldScalar.WithInteger(2, roots.pow);
                }

            case BetaSchedule.SquaredcosCapV2:
                var betas = new double[steps];
                for (var i = 0; i < steps; i++)
                {
                    var ratio = CosineAlphaBar((double)(i + 1) / steps) / CosineAlphaBar((double)i / steps);
                    betas[i] = Math.Min(1 - ratio, MaxCosineBeta);
                }

                return torch.tensor(betas, ScalarType.Float32);
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.BetaSchedule, "Unknown beta_schedule.");
        }
    }
}
