namespace Dvar.Cli.Demo;

/// <summary>One measured training run of a (method, concept) job.</summary>
/// <param name="Kind">How the run ended.</param>
/// <param name="StepsTrained">The optimizer steps taken.</param>
/// <param name="SavedStep">The step whose parameters were kept (CLIP-s keeps its best-scoring step).</param>
/// <param name="WallTime">The measured wall time of the whole run (setup, steps, evaluations, sampling, saving).</param>
/// <param name="TrainingTime">The time of the optimizer steps alone.</param>
/// <param name="EvaluationTime">The time of the L_det evaluations.</param>
/// <param name="ScoringTime">The time of the periodic sampling and scoring.</param>
/// <param name="Quality">The quality of the kept parameters.</param>
/// <param name="Folder">The run's output folder.</param>
internal sealed record DemoRunResult(
    DemoRunKind Kind,
    long StepsTrained,
    long SavedStep,
    TimeSpan WallTime,
    TimeSpan TrainingTime,
    TimeSpan EvaluationTime,
    TimeSpan ScoringTime,
    DemoQuality Quality,
    string Folder)
{
    /// <summary>Gets the time the run is charged in the table. DVAR and CLIP-s: their whole wall time (L_det and sampling
    /// are what they pay to stop early). Budget: its wall time without its L_det evaluations, which only the figures need
    /// (measured apart in the same run); its sampling every 100 steps stays in, as the paper's baseline samples too.</summary>
    public TimeSpan ChargedTime => Kind == DemoRunKind.Budget ? WallTime - EvaluationTime : WallTime;
}
