using TorchSharp.Modules;

namespace Dvar.Toy.Pretraining;

/// <summary>A learning rate that rises linearly over the warm-up, then follows a cosine down to a floor.</summary>
/// <param name="Peak">The rate after the warm-up.</param>
/// <param name="WarmupSteps">The warm-up length.</param>
/// <param name="TotalSteps">The run length.</param>
/// <param name="FloorFraction">The final rate as a fraction of the peak.</param>
internal sealed record WarmupCosineSchedule(double Peak, int WarmupSteps, int TotalSteps, double FloorFraction = 0.1)
{
    /// <summary>The rate at a step (0-based).</summary>
    /// <param name="step">The step.</param>
    /// <returns>The learning rate.</returns>
    public double At(int step)
    {
        if (step < WarmupSteps)
        {
            return Peak * (step + 1) / WarmupSteps;
        }

        double progress = Math.Min(1, (step - WarmupSteps) / (double)Math.Max(1, TotalSteps - WarmupSteps));
        return Peak * (FloorFraction + ((1 - FloorFraction) * 0.5 * (1 + Math.Cos(Math.PI * progress))));
    }

    /// <summary>Sets the rate of every parameter group of an optimizer for a step.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="step">The step.</param>
    public void Apply(AdamW optimizer, int step)
    {
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = At(step);
        }
    }
}
