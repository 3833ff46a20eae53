namespace Dvar.Stopping;

/// <summary>Why a decision has no statistic (<see cref="StopDecision.Statistic"/> is null). A criterion never fires on
/// an undefined statistic; it never reports NaN for finite input either.</summary>
/// <remarks>The numeric values are persisted in monitor state documents: never rename or renumber them.</remarks>
public enum UndefinedReason
{
    /// <summary>The statistic is defined (or, from a criterion outside this library, no reason was given).</summary>
    None = 0,

    /// <summary>Too few values so far: k &lt; N for DVAR, Hall and Trend, k ≤ n for the EMA percentile.</summary>
    TooFewValues = 1,

    /// <summary>DVAR: every value so far is the same, so the whole-run variance is 0 and the ratio has no value.</summary>
    ConstantHistory = 2,

    /// <summary>EMA percentile: EMA_{k−n} is 0, so the relative change has no value.</summary>
    ZeroReference = 3,

    /// <summary>Hall: the window's maximum is ≤ 0, so (max − min) / max is not a relative range.</summary>
    NonPositiveMaximum = 4,

    /// <summary>The value offered was NaN or ±Infinity; it entered no statistic (see <see cref="StopDecision.Reason"/>).</summary>
    NonFiniteValue = 5,
}
