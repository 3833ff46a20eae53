namespace Dvar.Stopping;

/// <summary>Why a criterion returned its decision.</summary>
/// <remarks>The numeric values are persisted in criterion state and run histories: never rename or renumber them.</remarks>
public enum StopReason
{
    /// <summary>The criterion has not fired: training continues.</summary>
    None = 0,

    /// <summary>The criterion's statistic crossed its threshold (DVAR ratio, EMA percentile, Hall, Trend).</summary>
    ThresholdReached = 1,

    /// <summary>A fixed budget of observations was reached.</summary>
    BudgetExhausted = 2,

    /// <summary>An external score failed to improve for more than the allowed number of observations.</summary>
    PatienceExhausted = 3,

    /// <summary>A NaN or infinite value arrived and the non-finite policy is <see cref="NonFinitePolicy.Stop"/>.</summary>
    NonFiniteValue = 4,

    /// <summary>A NaN or infinite value arrived and was ignored (<see cref="NonFinitePolicy.Ignore"/>); training continues.</summary>
    NonFiniteIgnored = 5,
}
