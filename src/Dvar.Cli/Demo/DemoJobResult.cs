using Dvar.Cli.Output;
using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;

namespace Dvar.Cli.Demo;

/// <summary>Everything the demo measured for one (method, concept) pair.</summary>
/// <param name="Recipe">The method's recipe.</param>
/// <param name="Concept">The concept.</param>
/// <param name="Initial">The quality of the untrained token (the initializer word's embedding).</param>
/// <param name="Runs">The three runs, by kind.</param>
/// <param name="TrainLoss">The budget run's training loss of steps 1..budget.</param>
/// <param name="DeterministicLoss">The budget run's L_det of steps 0..budget.</param>
/// <param name="Scores">The budget run's periodic scores.</param>
/// <param name="ReplayedDvarStop">The step where DVAR, replayed over the budget run's L_det, fires (null when it never does).</param>
/// <param name="PlotPath">The Figure-2-style plot.</param>
/// <param name="GridPath">The sample grid.</param>
internal sealed record DemoJobResult(
    DemoRecipe Recipe,
    ToyConcept Concept,
    DemoQuality Initial,
    IReadOnlyDictionary<DemoRunKind, DemoRunResult> Runs,
    IReadOnlyList<double> TrainLoss,
    IReadOnlyList<double> DeterministicLoss,
    IReadOnlyList<ScoredStep> Scores,
    long? ReplayedDvarStop,
    string PlotPath,
    string GridPath)
{
    /// <summary>Gets the Pearson correlation of the training loss with the step: near 0 when the loss says nothing.</summary>
    public double TrainLossStepCorrelation => SummaryStatistics.Pearson(
        [.. Enumerable.Range(1, TrainLoss.Count).Select(s => (double)s)], [.. TrainLoss]);

    /// <summary>Gets the Pearson correlation of L_det with the train image score over the scored steps: strongly negative
    /// when L_det tracks quality (the paper's Table 3: -0.62).</summary>
    public double DeterministicLossScoreCorrelation => SummaryStatistics.Pearson(
        [.. Scores.Select(s => DeterministicLoss[(int)s.Step])], [.. Scores.Select(s => s.Scores.TrainImage)]);

    /// <summary>Gets the Pearson correlation of the training loss (moving average over the score interval) with the train
    /// image score over the scored steps after step 0.</summary>
    public double TrainLossScoreCorrelation
    {
        get
        {
            var scored = Scores.Where(s => s.Step > 0).ToArray();
            int window = DemoRecipe.BudgetScoreEvery;
            var averaged = scored.Select(s => TrainLoss.Skip((int)Math.Max(0, s.Step - window)).Take((int)Math.Min(window, s.Step)).Average()).ToArray();
            return SummaryStatistics.Pearson(averaged, [.. scored.Select(s => s.Scores.TrainImage)]);
        }
    }
}
