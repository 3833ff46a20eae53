namespace Dvar.Cli.Replay;

/// <summary>The criterion options of <c>dvar replay</c> as given on the command line; null where not given.</summary>
/// <param name="Window">--window: N for DVAR, n for Hall and Trend.</param>
/// <param name="Threshold">--threshold: α for DVAR, τ for EMA, Hall and Trend.</param>
/// <param name="Lag">--lag: n for EMA.</param>
/// <param name="Smoothing">--smoothing: a for EMA.</param>
/// <param name="Patience">--patience: the allowed misses for patience.</param>
/// <param name="MinDelta">--min-delta: ε for patience.</param>
/// <param name="Steps">--steps: S for the fixed budget.</param>
internal sealed record CriterionParameters(
    int? Window = null,
    double? Threshold = null,
    int? Lag = null,
    double? Smoothing = null,
    int? Patience = null,
    double? MinDelta = null,
    long? Steps = null);
