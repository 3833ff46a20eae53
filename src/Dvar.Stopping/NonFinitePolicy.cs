namespace Dvar.Stopping;

/// <summary>What a criterion does with a NaN or ±Infinity. Such a value is never added to a criterion's history.</summary>
public enum NonFinitePolicy
{
    /// <summary>Stop at once with <see cref="StopReason.NonFiniteValue"/>: training has diverged. The default.</summary>
    Stop = 0,

    /// <summary>Skip the value: the decision is Continue with <see cref="StopReason.NonFiniteIgnored"/>.</summary>
    Ignore = 1,

    /// <summary>Throw an <see cref="ArgumentOutOfRangeException"/> naming the value.</summary>
    Throw = 2,
}
