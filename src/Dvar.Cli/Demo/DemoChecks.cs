namespace Dvar.Cli.Demo;

/// <summary>The demo's claims (the paper's, on the toy world), computed from its measurements.</summary>
internal static class DemoChecks
{
    /// <summary>The largest |corr(train loss, step)| allowed for "the training loss is uninformative".</summary>
    public const double UninformativeCorrelation = 0.1;

    /// <summary>The largest mean corr(L_det, train img) allowed for "L_det is informative".</summary>
    public const double InformativeCorrelation = -0.5;

    /// <summary>The largest DVAR stop, as a fraction of the budget.</summary>
    public const double StopFraction = 0.2;

    /// <summary>How much lower DVAR's train img may be than the budget's (mean over concepts).</summary>
    public const double QualityTolerance = 0.01;

    /// <summary>The smallest mean speed-up of DVAR over the budget, in charged time.</summary>
    public const double SpeedUp = 5;

    /// <summary>The smallest mean concept accuracy of DVAR's samples.</summary>
    public const double ConceptAccuracy = 0.8;

    /// <summary>Computes every check.</summary>
    /// <param name="results">The jobs' results.</param>
    /// <param name="budget">The step budget of the runs.</param>
    /// <returns>The checks.</returns>
    public static IReadOnlyList<DemoCheck> Compute(IReadOnlyList<DemoJobResult> results, int budget)
    {
        var byRun = results.ToDictionary(r => $"{Commands.TrainMethodCommand.NameOf(r.Recipe.Method)} {r.Concept.Name}", StringComparer.Ordinal);
        var byMethod = results.GroupBy(r => Commands.TrainMethodCommand.NameOf(r.Recipe.Method)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var trainLoss = byRun.ToDictionary(p => p.Key, p => p.Value.TrainLossStepCorrelation, StringComparer.Ordinal);
        var detLoss = byRun.ToDictionary(p => p.Key, p => p.Value.DeterministicLossScoreCorrelation, StringComparer.Ordinal);
        var stops = byRun.ToDictionary(p => p.Key, p => p.Value.Runs[DemoRunKind.Dvar].StepsTrained / (double)budget, StringComparer.Ordinal);
        var quality = byMethod.ToDictionary(
            p => p.Key, p => p.Value.Average(r => r.Runs[DemoRunKind.Dvar].Quality.TrainImage - r.Runs[DemoRunKind.Budget].Quality.TrainImage), StringComparer.Ordinal);
        var speedUp = byMethod.ToDictionary(
            p => p.Key, p => p.Value.Average(r => r.Runs[DemoRunKind.Budget].ChargedTime / r.Runs[DemoRunKind.Dvar].ChargedTime), StringComparer.Ordinal);
        var concept = byRun.ToDictionary(p => p.Key, p => p.Value.Runs[DemoRunKind.Dvar].Quality.ConceptAccuracy, StringComparer.Ordinal);
        var replay = byRun.ToDictionary(p => p.Key, p => (p.Value.ReplayedDvarStop ?? budget) == p.Value.Runs[DemoRunKind.Dvar].StepsTrained ? 1.0 : 0.0, StringComparer.Ordinal);

        return
        [
            new("trainLossUninformative", $"|corr(train loss, step)| < {UninformativeCorrelation} in every budget run", trainLoss.Values.Max(Math.Abs), trainLoss, trainLoss.Values.All(v => Math.Abs(v) < UninformativeCorrelation)),
            new("detLossInformative", $"corr(L_det, train img) <= {InformativeCorrelation} on average over the budget runs", detLoss.Values.Average(), detLoss, detLoss.Values.Average() <= InformativeCorrelation),
            new("dvarStopsEarly", $"DVAR stops before {StopFraction:P0} of the budget in every run", stops.Values.Max(), stops, stops.Values.All(v => v < StopFraction)),
            new("dvarKeepsQuality", $"train img at the DVAR stop >= the budget's - {QualityTolerance} (mean over concepts, each method)", quality.Values.Min(), quality, quality.Values.All(v => v >= -QualityTolerance)),
            new("dvarIsFaster", $"the budget takes >= {SpeedUp}x DVAR's time (mean over concepts, each method)", speedUp.Values.Min(), speedUp, speedUp.Values.All(v => v >= SpeedUp)),
            new("conceptLearned", $"concept accuracy >= {ConceptAccuracy} at the DVAR stop (mean over runs)", concept.Values.Average(), concept, concept.Values.Average() >= ConceptAccuracy),
            new("dvarReplayMatches", "DVAR replayed over the budget run's L_det stops at the DVAR run's step (same training stream)", replay.Values.Min(), replay, replay.Values.All(v => v == 1)),
        ];
    }
}
