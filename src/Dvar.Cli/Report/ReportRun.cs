namespace Dvar.Cli.Report;

/// <summary>One <c>dvar train</c> run in a report: what its <c>training-summary.json</c> says and, where <c>dvar evaluate</c>
/// scored it, its scores.</summary>
/// <param name="Name">The run folder, relative to the working directory.</param>
/// <param name="Folder">The run folder's full path.</param>
/// <param name="Method">The method's name.</param>
/// <param name="Criterion">What stopped it: the criterion's name, <c>NAME on scores</c> for a criterion on sample scores
/// (CLIP-s), <c>none (step cap)</c> for a run that never asked a criterion (<c>--eval-every 0</c>).</param>
/// <param name="StopReason">The summary's <c>stopReason</c>.</param>
/// <param name="Steps">The steps its artifact was trained for (<c>savedStep</c>, else <c>stepsTrained</c>).</param>
/// <param name="Minutes">Training, evaluation and scoring time in minutes.</param>
/// <param name="Scores">The scores by JSON name (<c>trainClipImage</c>, ...), empty when not evaluated.</param>
/// <param name="Evaluation">The <c>evaluation.json</c> the scores come from, or null.</param>
internal sealed record ReportRun(
    string Name,
    string Folder,
    string Method,
    string Criterion,
    string StopReason,
    long Steps,
    double Minutes,
    IReadOnlyDictionary<string, double> Scores,
    string? Evaluation);
