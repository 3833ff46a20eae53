
namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>The timesteps an inference scheduler visits, shared by <see cref="DdimScheduler"/> and <see cref="PndmScheduler"/>.</summary>
internal static class InferenceTimesteps
{
    /// <summary>numpy's <c>round</c>: to the nearest integer, halves to even.</summary>
    private static int RoundHalfEven(double value) => (int)Math.Round(value, MidpointRounding.ToEven);

    /// <summary>The N inference timesteps in ascending order, per <c>timestep_spacing</c>, computed as diffusers does with numpy
    /// (float64 <c>arange</c>/<c>linspace</c>, round half to even).</summary>
    /// <param name="config">The scheduler config: <c>num_train_timesteps</c>, <c>timestep_spacing</c>, <c>steps_offset</c>.</param>
    /// <param name="numInferenceSteps">N, in [1, T].</param>
    /// <returns>The timesteps, each in [0, T).</returns>
    /// <exception cref="ArgumentOutOfRangeException">N is outside [1, T], or a timestep would fall outside [0, T) (leading
    /// spacing with <c>steps_offset</c> &gt; 0 and N near T).</exception>
    public static int[] Ascending(DdpmSchedulerConfig config, int numInferenceSteps)
    {
        var steps = config.NumTrainTimesteps;
        ArgumentOutOfRangeException.ThrowIfLessThan(numInferenceSteps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numInferenceSteps, steps);
        var ascending = Spaced(config, numInferenceSteps);
        if (ascending.Any(t => t < 0 || t >= steps))
        {
            throw new ArgumentOutOfRangeException(
                nameof(numInferenceSteps),
                numInferenceSteps,
                $"With timestep_spacing {SnakeCaseEnumJsonConverter<TimestepSpacing>.NameOf(config.TimestepSpacing)} and steps_offset = {config.StepsOffset} a timestep would be {ascending.Max()}, outside [0, {steps}).");
        }

        return ascending;
    }

    private static int[] Spaced(DdpmSchedulerConfig config, int n)
    {
        var steps = config.NumTrainTimesteps;
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Leading:
            {
                var ratio = steps / n;
                return [.. Enumerable.Range(0, n).Select(i => (i * ratio) + config.StepsOffset)];
            }

            case TimestepSpacing.Trailing:
            {
                // np.arange(T, 0, -T/N): length ceil(T / (T/N)); entries start + i·δ with δ = (start − T/N) − start.
                var ratio = (double)steps / n;
                var length = (int)Math.Ceiling((0.0 - steps) / -ratio);
                var delta = (steps - ratio) - steps;
                var descending = new int[length];
                for (var i = 0; i < length; i++)
                {
                    var value = i == 0 ? steps : i == 1 ? steps - ratio : steps + (i * delta);
                    descending[i] = RoundHalfEven(value) - 1;
                }

                Array.Reverse(descending);
                return descending;
            }

            case TimestepSpacing.Linspace:
            {
                // np.linspace(0, T − 1, N): i · ((T − 1)/(N − 1)), the last entry exactly T − 1.
                var last = steps - 1;
                var step = n > 1 ? (double)last / (n - 1) : 0;
                return [.. Enumerable.Range(0, n).Select(i => n > 1 && i == n - 1 ? last : RoundHalfEven(i * step))];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(n), config.TimestepSpacing, "Unknown timestep_spacing.");
        }
    }
}
