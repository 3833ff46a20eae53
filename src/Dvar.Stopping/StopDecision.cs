namespace Dvar.Stopping;

/// <summary>The answer of a criterion to one observed value.</summary>
/// <param name="ShouldStop">Whether training should stop now. Sticky: once true, true until the criterion is reset.</param>
/// <param name="Observation">The 1-based index k of the observation this decision answers.</param>
/// <param name="Statistic">The criterion's statistic at k (DVAR ratio, |M_EMA|, Hall, |slope|, misses...), or null while
/// undefined (<see cref="UndefinedReason"/> says why). For finite input it is never NaN; it is +Infinity only where
/// the exact statistic exceeds double's range (about 1.8e308), which never fires.</param>
/// <param name="Threshold">The threshold the statistic is compared with.</param>
/// <param name="Reason">Why the decision is what it is.</param>
/// <param name="FiredBy">The name of the criterion (or comma-separated children) that fired, or null while none has.</param>
/// <param name="BestObservation">For criteria that track a best value (patience), the 1-based index of the best observation so far.</param>
public readonly record struct StopDecision(
    bool ShouldStop,
    long Observation,
    double? Statistic,
    double Threshold,
    StopReason Reason,
    string? FiredBy = null,
    long? BestObservation = null)
{
    /// <summary>Initializes a decision with every field, <see cref="UndefinedReason"/> included (the library's criteria
    /// build their decisions in one step with it).</summary>
    internal StopDecision(
        bool shouldStop, long observation, double? statistic, double threshold, StopReason reason, string? firedBy, long? bestObservation, UndefinedReason undefinedReason)
        : this(shouldStop, observation, statistic, threshold, reason, firedBy, bestObservation)
    {
        UndefinedReason = undefinedReason;
    }

    /// <summary>Gets why <see cref="Statistic"/> is null: too few values, a constant history, a zero reference, a
    /// non-positive maximum, or a non-finite value that entered no statistic.</summary>
    /// <value><see cref="Stopping.UndefinedReason.None"/> while the statistic is defined.</value>
    public UndefinedReason UndefinedReason { get; init; }
}
